# The auth template's signing key: the function checks tokens with it. Made here, never in
# git (.gitignore): from the secret EDGEFORM_SIGNING_KEY where set (CI), else at random, once.
SIGNING_KEY := functions/auth/signing.key

$(SIGNING_KEY):
	@if [ -n "$$EDGEFORM_SIGNING_KEY" ]; then printf '%s' "$$EDGEFORM_SIGNING_KEY" > $@; \
	else python3 -c "import secrets; print(secrets.token_hex(32), end='')" > $@; fi
	@chmod 600 $@

deploy serve test build render plan lint: $(SIGNING_KEY)

.PHONY: token
# A token for USER, valid for HOURS (default 12): paste it on /login.html.
token: $(SIGNING_KEY)
	@python3 tools/sign.py "$(USER)" $(or $(HOURS),12)
