// Keeps the pasted token in the `session` cookie, which the edge checks on every request,
// then goes back to the page that sent the viewer here.
document.getElementById("login").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = document.getElementById("token").value.trim();
  document.cookie = `session=${encodeURIComponent(token)}; Path=/; Secure; SameSite=Lax`;
  const next = new URLSearchParams(location.search).get("next") || "/";
  location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/");
});
