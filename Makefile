# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# Without a Stripe key the demo pays on localstripe (a local fake Stripe, never the network),
# started here in the background on LOCALSTRIPE_PORT and stopped with the server.
LOCALSTRIPE_PORT ?= 8420
DEMO_WEBHOOK_SECRET := whsec_demo_localstripe

demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo_data
	@echo "Serving the demo on http://127.0.0.1:8000 (admin: admin / admin)"
	@if [ -n "$$STRIPE_API_KEY" ]; then \
	  SERVE_MEDIA=1 $(BIN)/python manage.py runserver --insecure --noreload 127.0.0.1:8000; \
	else \
	  mkdir -p var; \
	  $(BIN)/localstripe --port $(LOCALSTRIPE_PORT) --from-scratch >var/localstripe.log 2>&1 & \
	  ls_pid=$$!; trap 'kill $$ls_pid' EXIT INT TERM; \
	  $(BIN)/python manage.py localstripe_webhook --base http://127.0.0.1:$(LOCALSTRIPE_PORT) \
	    --url http://127.0.0.1:8000/checkout/stripe/webhook/ --secret $(DEMO_WEBHOOK_SECRET); \
	  echo "Card payments go to localstripe on port $(LOCALSTRIPE_PORT) (test card 4242 4242 4242 4242)"; \
	  STRIPE_API_BASE=http://127.0.0.1:$(LOCALSTRIPE_PORT) STRIPE_API_KEY=sk_test_demo \
	  STRIPE_PUBLISHABLE_KEY=pk_test_demo STRIPE_WEBHOOK_SECRET=$(DEMO_WEBHOOK_SECRET) \
	  SERVE_MEDIA=1 $(BIN)/python manage.py runserver --insecure --noreload 127.0.0.1:8000; \
	fi

test: $(STAMP)
	scripts/test.sh

bench: $(STAMP)
	scripts/bench.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='var/*'
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore='.venv/*'

clean:
	rm -rf $(VENV) demo.sqlite3 var
