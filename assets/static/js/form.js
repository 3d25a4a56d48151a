// The phone form works without this file. It only does two things
// (UX.md §2): move focus to the error summary so screen readers announce it,
// and ignore a second tap on a submit button while the page is on its way.
'use strict';
(function () {
  var summary = document.querySelector('.f-error-summary');
  if (summary) summary.focus();
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.getAttribute('data-sent')) {
      e.preventDefault();
      return;
    }
    form.setAttribute('data-sent', '1');
  });
  // A page restored from the back/forward cache must accept a submit again.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    var sent = document.querySelectorAll('form[data-sent]');
    for (var i = 0; i < sent.length; i++) sent[i].removeAttribute('data-sent');
  });
})();
