// Drag and drop for the bulletin's blocks: an extra to the move buttons, which do the same
// without JavaScript. A drop posts the block's new position, then the page (and its preview)
// reloads.
const list = document.querySelector(".app-blocks");
const token = document.querySelector(".app-block__controls input[name=csrf_token]");
if (list && token) {
  let dragged = null;
  for (const item of list.querySelectorAll(".app-block")) {
    item.draggable = true;
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("app-block--dragging");
      event.dataTransfer.effectAllowed = "move";
    });
    item.addEventListener("dragend", () => item.classList.remove("app-block--dragging"));
    item.addEventListener("dragover", (event) => event.preventDefault());
    item.addEventListener("drop", async (event) => {
      event.preventDefault();
      if (!dragged || dragged === item) return;
      const body = new FormData();
      body.append("csrf_token", token.value);
      body.append("action", "move");
      body.append("position", item.dataset.index);
      await fetch(dragged.dataset.arrangeUrl, { method: "POST", body, credentials: "same-origin" });
      window.location.reload();
    });
  }
}
