// Fills other.html with a GitHub user's profile. The API origin comes from edgeform.toml
// through edgeform-config.js; the username from the query string the form sent.
"use strict";

(function () {
  const status = document.getElementById("status");

  function show(message) {
    status.textContent = message;
    status.hidden = false;
  }

  function render(user) {
    document.getElementById("avatar").src = user.avatar_url;
    document.getElementById("avatar").alt = user.login + "'s avatar";
    document.getElementById("name").textContent = user.name || user.login;
    const login = document.getElementById("login");
    login.textContent = "@" + user.login;
    login.href = user.html_url;
    document.getElementById("repos").textContent = String(user.public_repos);
    document.getElementById("profile").hidden = false;
    status.hidden = true;
  }

  async function main() {
    const config = window.EDGEFORM_CONFIG;
    const username = new URLSearchParams(window.location.search).get("username");
    if (!config || !config.api_origin) {
      show("This page is missing its configuration (edgeform-config.js).");
      return;
    }
    if (!username) {
      show("No username given. Go back and type one.");
      return;
    }
    let response;
    try {
      response = await fetch(config.api_origin + "/users/" + encodeURIComponent(username), {
        headers: { Accept: "application/vnd.github+json" },
      });
    } catch (error) {
      show("Could not reach " + config.api_origin + ": " + error.message);
      return;
    }
    if (response.status === 404) {
      show("There is no GitHub user named “" + username + "”.");
    } else if (!response.ok) {
      show("The API answered " + response.status + "; try again later.");
    } else {
      render(await response.json());
    }
  }

  main();
})();
