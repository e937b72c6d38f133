// Contact page: answers that match the question, live as the person types.
// Without JavaScript the form submits and the server lists the same answers.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-contact-form]");
  const status = document.querySelector("[data-contact-status]");
  const list = document.querySelector("[data-contact-list]");
  if (!form || !status || !list) return;
  const input = form.querySelector("input[name=q]");
  if (!input) return;

  const MIN_CHARS = 3;
  const DELAY_MS = 250;
  let timer = null;
  let controller = null;
  let lastQuery = input.value.trim();

  const show = (query, results) => {
    list.replaceChildren();
    for (const result of results) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      const summary = document.createElement("p");
      summary.className = "muted";
      summary.textContent = result.summary;
      item.append(link, summary);
      list.append(item);
    }
    if (results.length) {
      const noun = results.length === 1 ? "answer" : "answers";
      status.textContent = `${results.length} ${noun} may help with “${query}”:`;
    } else {
      status.textContent = `No answers match “${query}”. Try other words, or contact support below.`;
    }
  };

  const lookUp = async (query) => {
    if (controller) controller.abort();
    controller = new AbortController();
    const url = `/api/faq?limit=5&q=${encodeURIComponent(query)}`;
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      if (input.value.trim() === query) show(query, data.results);
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = "";
    }
  };

  input.addEventListener("input", () => {
    const query = input.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    window.clearTimeout(timer);
    if (query.length < MIN_CHARS) {
      if (controller) controller.abort();
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    timer = window.setTimeout(() => lookUp(query), DELAY_MS);
  });
});
