// The upload window of the body editor's figure dialog: give the stored image's URL (and its
// alternative text) back to the editor that opened this window, then close it. The callback
// is CKEditor 4's file browser protocol, which django-prose-editor's Figure extension speaks.
(function () {
  const done = document.getElementById("body-image-done");
  const opener = window.opener;
  if (!done || !done.dataset.callback || !opener || !opener.CKEDITOR) return;
  opener.CKEDITOR.tools.callFunction(Number(done.dataset.callback), done.dataset.url, {
    alternative_text: done.dataset.alt,
  });
  window.close();
})();
