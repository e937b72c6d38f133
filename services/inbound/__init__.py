"""Mail coming back: replies, auto-replies, bounces and complaints land on the request they belong to."""
