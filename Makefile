# The README's commands. `make run` starts everything on the embedded default; `make test` runs the suite.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint browser messages clean

run: $(STAMP)
	$(PY) -m opsroom.launch run

test: $(STAMP) browser
	$(PY) -m opsroom.launch test $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline);
# the RTSP camera tests stream from GStreamer's RTSP server under Debian's system Python.
RTSP_SOURCE_CHECK := /usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0')" 2>/dev/null
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/ffmpeg && $(RTSP_SOURCE_CHECK) || { \
	  echo "Installing Debian's chromium, ffmpeg and GStreamer's RTSP server for the browser and camera tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ffmpeg fonts-dejavu-core \
	    python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good; }

# Extract translatable strings into locale/id (needs gettext's xgettext), then compile them.
messages: $(STAMP)
	$(PY) manage.py makemessages -l id --no-obsolete -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'docs/*'
	$(PY) manage.py makemessages -d djangojs -l id --no-obsolete -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'static/vendor/*'
	$(PY) manage.py compilemessages -l id --ignore '.venv/*'

clean:
	rm -rf var/static var/log var/test-redis-*
