"""HTML-only mail as plain text, so the reply parser can cut the quoted part off.

Blocks become lines, and lines inside a <blockquote> (where Gmail, Apple Mail
and Outlook on the web put the history) are marked with "> ", as a plain-text
client would quote them. Scripts, styles and the <head> are left out.
"""

from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "table", "ul", "ol", "pre", "hr",
}
HIDDEN = {"script", "style", "head", "title"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.quote_depth = 0
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        if tag in BLOCKS:
            self._new_line()
        if tag == "blockquote":
            self.quote_depth += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1
        if tag == "blockquote" and self.quote_depth:
            self.quote_depth -= 1
        if tag in BLOCKS:
            self._new_line()

    def handle_data(self, data):
        if self.hidden:
            return
        text = " ".join(data.split())
        if not text:
            return
        if not self.lines[-1]:
            self.lines[-1] = "> " * self.quote_depth
        elif not self.lines[-1].endswith(" "):
            self.lines[-1] += " "
        self.lines[-1] += text

    def _new_line(self):
        if self.lines[-1]:
            self.lines.append("")


def html_to_text(html):
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return "\n".join(line.rstrip() for line in collector.lines).strip()
