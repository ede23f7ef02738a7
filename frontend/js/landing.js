// The landing page (#/): the chapters with their scenes as cards.

import { escapeHtml, richText } from "./format.js";

/** Fill `container` with one section per chapter; `groups` maps chapter → scenes. */
export function renderLanding(container, groups) {
  const frag = document.createDocumentFragment();
  for (const [chapter, scenes] of groups) {
    const section = document.createElement("section");
    section.className = "landing-chapter";
    const h = document.createElement("h2");
    h.className = "landing-chapter-title";
    h.textContent = chapter;
    const ul = document.createElement("ul");
    ul.className = "scene-cards";
    for (const s of scenes) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.className = "scene-card";
      a.href = `#/${encodeURIComponent(s.id)}`;
      a.dataset.scene = s.id;
      a.innerHTML =
        `<span class="scene-card-title">${richText(s.title)}</span>` +
        `<span class="scene-card-source">${escapeHtml(s.source)}</span>` +
        (s.summary ? `<span class="scene-card-summary">${richText(s.summary)}</span>` : "");
      li.append(a);
      ul.append(li);
    }
    section.append(h, ul);
    frag.append(section);
  }
  container.replaceChildren(frag);
}
