// The print view opens the browser's print dialog once it has loaded.
window.addEventListener("load", function () { window.print(); });
