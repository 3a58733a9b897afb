// Schedule grid: Escape lets go of the picked meeting, as its "Cancel" link does.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") {
    return;
  }
  var cancel = document.querySelector("#schedule-grid [data-grid-cancel]");
  if (cancel) {
    event.preventDefault();
    cancel.click();
  }
});
