// Tells the server the browser's time zone, so the admin shows staff times in it
// (config/timezones.py). The name is checked there; a browser without Intl sends nothing.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (error) {
    // Times stay in the site's zone.
  }
})();
