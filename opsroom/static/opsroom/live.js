/* The live socket's client, shared by every page that listens to ws/live/ (opsroom/live/consumers.py).
   It connects, backs off and reconnects, and follows the stream's cursor; each page says what the
   protocol's moments mean for it:
   - "live.ready": the socket listens; catch up on whatever happened since the cursor (nothing can fall
     in between, anything later arrives on the socket). If it listens as another audience than the
     first socket did (the user was moved to another unit while no socket was open), it is a resync;
   - an event whose "prev" is not the cursor: the messages between were dropped; catch up, then advance;
   - "live.resync": what the user may see changed; read the picture again (the cursor is already set).
   The socket only notifies: the database stays the truth. */
(function () {
  "use strict";

  const RETRY_FIRST_MS = 1000;
  const RETRY_MAX_MS = 30000;
  // Closed by the server for good: reconnecting would be refused again.
  const CLOSE_UNAUTHENTICATED = 4401;
  const CLOSE_NOTHING_TO_SEE = 4403;
  const READY = "live.ready";
  const RESYNC = "live.resync";

  function ignore() {}

  function stateLabel(name) {
    const labels = {
      connecting: gettext("Connecting…"),
      live: gettext("Live"),
      reconnecting: gettext("Reconnecting…"),
      "signed-out": gettext("Signed out: reload the page"),
      "no-scope": gettext("Your account has no unit or agency"),
    };
    return labels[name];
  }

  /* The state's label in an element whose data-state styles it. */
  function showState(element, name) {
    element.dataset.state = name;
    element.textContent = stateLabel(name);
  }

  /* Listen to the live socket. Options (all but path optional):
     path: the socket's path ("/ws/live/");
     cursor: the sequence number the page's picture holds every event up to; null when unknown (the
       first event then starts the count);
     load(): reads the page's picture before the socket opens, a promise; retried while it fails;
     onState(name): "connecting", "live" (listening), "reconnecting", "signed-out", "no-scope";
     onReady(), onEvent(event), onGap(event), onResync(seq): the moments above.
     Returns {state, cursor, advance(seq), close()}. */
  function connect(options) {
    const on = {
      load: options.load || function () { return Promise.resolve(); },
      state: options.onState || ignore,
      ready: options.onReady || ignore,
      event: options.onEvent || ignore,
      gap: options.onGap || ignore,
      resync: options.onResync || ignore,
    };
    let state = "connecting";
    let cursor = options.cursor === undefined ? null : options.cursor;
    let socket = null;
    let retryMs = RETRY_FIRST_MS;
    let retryTimer = null;
    let stopped = false;
    let audience = null; // the group the first socket listened as

    function setState(name) {
      state = name;
      on.state(name);
    }

    function retryLater(work) {
      // Exponential back-off with jitter, so a restarted server is not hit by every screen at once.
      const delay = retryMs * (0.8 + Math.random() * 0.4);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      retryTimer = window.setTimeout(work, delay);
    }

    async function start() {
      try {
        await on.load();
      } catch (error) {
        console.warn("Loading the page failed; trying again", error);
        if (!stopped) {
          setState("reconnecting");
          retryLater(start);
        }
        return;
      }
      retryMs = RETRY_FIRST_MS;
      if (!stopped) {
        open();
      }
    }

    function open() {
      const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + window.location.host + options.path);
      socket.addEventListener("message", receive);
      socket.addEventListener("close", function (event) {
        socket = null;
        if (stopped) {
          return;
        }
        if (event.code === CLOSE_UNAUTHENTICATED) {
          setState("signed-out");
        } else if (event.code === CLOSE_NOTHING_TO_SEE) {
          setState("no-scope");
        } else {
          setState("reconnecting");
          retryLater(open);
        }
      });
    }

    function receive(message) {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        console.warn("A malformed live message changes nothing", error);
        return;
      }
      if (event.kind === READY) {
        retryMs = RETRY_FIRST_MS;
        const moved = audience !== null && event.audience !== audience;
        audience = event.audience;
        setState("live");
        if (moved) {
          cursor = event.seq;
          on.resync(event.seq);
        } else {
          on.ready();
        }
      } else if (event.kind === RESYNC) {
        cursor = event.seq;
        on.resync(event.seq);
      } else {
        follow(event);
      }
    }

    function follow(event) {
      // An event at or before the cursor was already caught up on: applying it again changes nothing.
      const gap = cursor !== null && event.prev !== cursor && event.seq > cursor;
      if (cursor === null || event.prev === cursor) {
        cursor = event.seq;
      }
      on.event(event);
      if (gap) {
        on.gap(event);
      }
    }

    // Started once the caller holds the handle, which its callbacks may use.
    queueMicrotask(function () {
      setState("connecting");
      start();
    });

    return {
      get state() { return state; },
      get cursor() { return cursor; },
      advance: function (seq) {
        cursor = cursor === null ? seq : Math.max(cursor, seq);
      },
      close: function () {
        stopped = true;
        window.clearTimeout(retryTimer);
        if (socket) {
          socket.close();
        }
      },
    };
  }

  window.OpsroomLive = { connect: connect, showState: showState };
})();
