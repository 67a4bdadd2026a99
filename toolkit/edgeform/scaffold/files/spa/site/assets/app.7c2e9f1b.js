// The app: one page, routes drawn in the browser. Every route's URL is served index.html by
// the fallback function, so a reload or a shared link lands here too. The file name carries
// a hash of its content, so it may be cached for a year: a new build is a new name.
const views = {
  "/": () => "Home: pick a page above.",
  "/settings/profile": () => "Profile settings.",
};

function render(path) {
  const view = views[path] ?? (() => (path.startsWith("/reports/") ? `Reports for ${path.slice(9)}.` : "Not found."));
  document.getElementById("view").textContent = view();
  document.title = `${path} · @@PROJECT@@`;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-route]");
  if (!link) return;
  event.preventDefault();
  history.pushState({}, "", link.getAttribute("href"));
  render(location.pathname);
});
window.addEventListener("popstate", () => render(location.pathname));
render(location.pathname);
