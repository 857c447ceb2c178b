// The episode page's player: custom controls over one <audio> element, a transcript
// that follows the audio, and keyboard control. Without JavaScript the page keeps the
// browser's own audio controls and a plain transcript.
(function () {
  "use strict";
  var root = document.documentElement;
  var audio = document.getElementById("audio");
  var player = document.getElementById("player");
  if (!audio || !player) return;
  root.classList.add("js");
  audio.removeAttribute("controls");
  player.hidden = false;

  var playButton = document.getElementById("play");
  var back = document.getElementById("back");
  var forward = document.getElementById("forward");
  var seek = document.getElementById("seek");
  var position = document.getElementById("position");
  var duration = document.getElementById("duration");
  var speed = document.getElementById("speed");
  var panel = document.getElementById("transcript");
  var lines = Array.prototype.slice.call(document.querySelectorAll("#transcript .line"));
  var starts = lines.map(function (line) { return parseFloat(line.getAttribute("data-start")); });
  var SKIP = 15;
  var current = -1;
  var followPausedUntil = 0;

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) seconds = 0;
    seconds = Math.floor(seconds);
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h > 0 && m < 10 ? "0" + m : String(m);
    return (h > 0 ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  // The duration written into the page is the MP3's; the element's own replaces it
  // once known, so the player never shows a placeholder.
  var total = parseFloat(player.getAttribute("data-duration")) || 0;
  function showDuration() {
    if (isFinite(audio.duration) && audio.duration > 0) total = audio.duration;
    duration.textContent = clock(total);
    seek.max = String(total);
  }

  function lineAt(time) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= time + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function keepInView(line) {
    if (Date.now() < followPausedUntil) return;
    var top = line.offsetTop - panel.offsetTop;
    var bottom = top + line.offsetHeight;
    if (top < panel.scrollTop || bottom > panel.scrollTop + panel.clientHeight) {
      panel.scrollTop = Math.max(0, top - panel.clientHeight / 3);
    }
  }

  function highlight() {
    var index = lineAt(audio.currentTime);
    if (index === current) return;
    if (current >= 0) {
      lines[current].classList.remove("current");
      lines[current].removeAttribute("aria-current");
    }
    current = index;
    if (index >= 0) {
      lines[index].classList.add("current");
      lines[index].setAttribute("aria-current", "true");
      keepInView(lines[index]);
    }
  }

  function showPosition() {
    position.textContent = clock(audio.currentTime);
    if (!seek.matches(":active")) seek.value = String(audio.currentTime);
    seek.setAttribute("aria-valuetext", clock(audio.currentTime) + " / " + clock(total));
    highlight();
  }

  function showState() {
    var playing = !audio.paused && !audio.ended;
    playButton.setAttribute("aria-pressed", playing ? "true" : "false");
    playButton.setAttribute("aria-label", playing ? playButton.getAttribute("data-pause") : playButton.getAttribute("data-play"));
    player.classList.toggle("playing", playing);
  }

  function toggle() {
    if (audio.paused || audio.ended) {
      var started = audio.play();
      if (started && started.catch) started.catch(function () { showState(); });
    } else {
      audio.pause();
    }
  }

  function jumpTo(seconds) {
    audio.currentTime = Math.min(Math.max(0, seconds), total || seconds);
    showPosition();
  }

  function skip(seconds) { jumpTo(audio.currentTime + seconds); }

  playButton.addEventListener("click", toggle);
  back.addEventListener("click", function () { skip(-SKIP); });
  forward.addEventListener("click", function () { skip(SKIP); });
  seek.addEventListener("input", function () { jumpTo(parseFloat(seek.value)); });
  speed.addEventListener("change", function () {
    audio.playbackRate = parseFloat(speed.value);
    try { localStorage.setItem("goosepod.speed", speed.value); } catch (e) { /* storage off */ }
  });
  try {
    var saved = localStorage.getItem("goosepod.speed");
    if (saved && speed.querySelector('option[value="' + saved + '"]')) {
      speed.value = saved;
      audio.playbackRate = parseFloat(saved);
    }
  } catch (e) { /* storage off */ }

  ["loadedmetadata", "durationchange"].forEach(function (name) {
    audio.addEventListener(name, showDuration);
  });
  audio.addEventListener("timeupdate", showPosition);
  audio.addEventListener("seeked", showPosition);
  ["play", "pause", "ended"].forEach(function (name) {
    audio.addEventListener(name, showState);
  });
  audio.addEventListener("ratechange", function () {
    var rate = String(audio.playbackRate);
    if (speed.querySelector('option[value="' + rate + '"]')) speed.value = rate;
  });

  lines.forEach(function (line, index) {
    line.addEventListener("click", function () {
      followPausedUntil = 0;
      jumpTo(starts[index]);
      if (audio.paused) toggle();
    });
  });
  // A listener scrolling the transcript by hand is not pulled back for a while.
  ["wheel", "touchmove"].forEach(function (name) {
    panel.addEventListener(name, function () { followPausedUntil = Date.now() + 5000; }, { passive: true });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable)) return;
    var key = event.key;
    if ((key === " " || key === "Spacebar") && tag === "BUTTON") return;
    if (key === " " || key === "Spacebar" || key === "k" || key === "K") { toggle(); }
    else if (key === "ArrowLeft" || key === "j" || key === "J") { skip(-SKIP); }
    else if (key === "ArrowRight" || key === "l" || key === "L") { skip(SKIP); }
    else if (key === "Home") { jumpTo(0); }
    else if (key === "End") { jumpTo(total); }
    else return;
    event.preventDefault();
  });

  if ("mediaSession" in navigator) {
    try {
      var cover = player.getAttribute("data-cover");
      navigator.mediaSession.metadata = new MediaMetadata({
        title: document.querySelector("h1").textContent,
        artist: player.getAttribute("data-show"),
        artwork: cover ? [{ src: cover, sizes: "1400x1400", type: "image/png" }] : []
      });
      navigator.mediaSession.setActionHandler("play", toggle);
      navigator.mediaSession.setActionHandler("pause", toggle);
      navigator.mediaSession.setActionHandler("seekbackward", function () { skip(-SKIP); });
      navigator.mediaSession.setActionHandler("seekforward", function () { skip(SKIP); });
    } catch (e) { /* not supported here */ }
  }

  showDuration();
  showPosition();
  showState();
})();
