// Before widgets.min.js: this page uses only the Chat Service JS API, so it says so and the script
// loads a bundle that carries it (see the README, "Bundles").
window._genesys = { widgets: { main: { debug: false }, chatService: {} } };
