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
# the RTSP camera tests serve a clip with Debian's ffmpeg.
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/ffmpeg || { \
	  echo "Installing Debian's chromium and ffmpeg for the browser and RTSP tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ffmpeg fonts-dejavu-core; }

# Extract translatable strings into locale/id (needs gettext's xgettext), then compile them.
messages: $(STAMP)
	$(PY) manage.py makemessages -l id --no-obsolete -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'docs/*'
	$(PY) manage.py makemessages -d djangojs -l id --no-obsolete -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'static/vendor/*'
	$(PY) manage.py compilemessages -l id --ignore '.venv/*'

clean:
	rm -rf var/static var/log var/test-redis-*
