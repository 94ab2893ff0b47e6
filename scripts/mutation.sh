#!/usr/bin/env bash
# Mutation testing of the money and safety modules (mutmut), one group at a time.
#
#   scripts/mutation.sh                 every group in the table below
#   scripts/mutation.sh tax-withholding ledger   only those groups
#   scripts/mutation.sh --list          the table, nothing run
#   scripts/mutation.sh --survivors ledger   re-test only the mutants that survived the last
#                                       run of those groups (after adding tests or pragmas):
#                                       the scratch copy is refreshed from the working tree,
#                                       mutmut finds the new tests, and the score is recounted
#
# Each group mutates only its own module files and runs only that module's own tests, in a
# scratch copy of the working tree (var/mutation/<group>; the copy includes uncommitted
# changes) with its own database (mut_<group>), so groups never share state. A score per
# group: killed / (killed + survived + timeout), "no tests" (mutants no selected test
# reaches) reported beside it, not counted. Exits non-zero when a group is below its
# target or fails to run. Not part of `make test`: it takes minutes per group.
#
# Equivalent mutants (a change no behaviour can observe) are marked in the source with
# `# pragma: no mutate` and a comment giving the reason.
#
# Environment: MUTATION_CHILDREN (default 1; pure groups only: mutmut's children of a django
# group would share one test database, and one child's transactional test flushing it under
# another's made mutants that no test kills count as killed, measured), MUTATION_NICE
# (default 10), MUTATION_DIR (default var/mutation), DATABASE_HOST_URL (default
# postgres://postgres@127.0.0.1:5432).
set -uo pipefail
# The whole script is one block (closed at the end), so bash reads all of it before it
# runs any of it: editing this file while a run is under way cannot break that run.
{
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# ---- The table ---------------------------------------------------------------------------
# name | target % | kind (pure: no Django, no database; django: pytest-django + PostgreSQL)
#      | module files to mutate (space separated) | test files/globs (space separated)
# CSV safety (formula-safe cells, every CSV we write goes through it) is tax/exports.py, in
# tax-exports. Payouts and checkout modules are being restructured: when a file is renamed, update its
# row; a missing file is reported on its own line and the rest of the group still runs.
GROUPS_TABLE='
tax-withholding | 90 | pure   | tax/withholding/regimes.py tax/withholding/tables.py tax/withholding/payment.py | tests/tax/test_withholding_*.py tests/tax/test_mut_withholding*.py
tax-duties      | 90 | pure   | tax/duties/rules/banded.py tax/duties/rules/cbec.py tax/duties/engine.py tax/duties/tables.py | tests/tax/test_duties_*.py tests/tax/test_mut_duties*.py
tax-exports     | 90 | pure   | tax/exports.py | tests/tax/test_exports*.py tests/tax/test_mut_exports*.py
agencies        | 80 | django | agencies/models.py agencies/validators.py agencies/services.py | tests/agencies
payout-runs     | 80 | django | payouts/runs.py | tests/payouts/test_payout_run.py tests/payouts/test_commission.py tests/payouts/test_accrual.py tests/payouts/test_run_take.py tests/payouts/test_identity_hold_agency.py tests/payouts/test_mut_runs*.py
ledger          | 80 | django | payouts/ledger.py | tests/payouts/test_ledger.py tests/payouts/test_mut_ledger*.py
transfers       | 80 | django | payouts/transfers.py payouts/lifecycle.py payouts/states.py payouts/rails/__init__.py payouts/rails/stripe_connect.py | tests/payouts/test_transfers.py tests/payouts/test_transfers_command.py tests/payouts/test_resend.py tests/payouts/test_states.py tests/payouts/test_requeue_age.py tests/payouts/test_mut_transfers*.py
bank-files      | 80 | django | payouts/rails/bank_file.py payouts/iso20022.py payouts/bank_returns.py payouts/xml_decoding.py | tests/payouts/test_iso20022.py tests/payouts/test_bank_returns.py tests/payouts/test_transfers.py tests/payouts/test_resend.py tests/payouts/test_mut_bank*.py
rewards         | 80 | django | payouts/validation.py payouts/api.py | tests/payouts/test_rewards_api.py tests/security/test_rewards_hostile.py tests/payouts/test_mut_rewards*.py
earnings        | 80 | django | payouts/services.py | tests/payouts/test_earnings.py tests/payouts/test_rewards_api.py tests/payouts/test_commission.py tests/payouts/test_mut_earnings*.py
checkout-payments | 80 | django | commerce/checkout/payments.py | tests/commerce/checkout/test_payments.py tests/commerce/checkout/test_flow.py tests/commerce/dashboard/test_refunds.py tests/commerce/checkout/test_mut_payments*.py tests/commerce/dashboard/test_mut_refunds.py
webhooks-checkout | 80 | django | commerce/checkout/webhooks.py commerce/checkout/views_webhook.py | tests/commerce/checkout/test_webhooks.py tests/commerce/checkout/test_mut_webhooks*.py
webhooks-connect | 80 | django | payouts/webhooks.py | tests/payouts/test_connect_webhook.py tests/payouts/test_mut_webhooks*.py
landed-cost     | 80 | django | commerce/checkout/landed_cost.py commerce/checkout/tariff.py commerce/checkout/surcharges.py | tests/commerce/checkout/test_landed_cost.py tests/commerce/checkout/test_mut_landed*.py
portal-scoping  | 80 | django | payouts/selectors_portal.py payouts/middleware.py | tests/payouts/test_portal.py tests/payouts/test_portal_chart_figures.py tests/payouts/test_backoffice.py tests/payouts/test_mut_portal*.py
payout-exports  | 80 | django | payouts/exports.py payouts/exporters/__init__.py payouts/exporters/agency_run.py payouts/exporters/cn_labour.py payouts/exporters/cn_nonresident.py payouts/exporters/cn_wages.py payouts/exporters/platform_income.py | tests/payouts/test_exports.py tests/payouts/test_exports_cases.py tests/payouts/test_mut_exports*.py
'
# Never selected: Hypothesis property tests (hundreds of random examples per test, slow per
# mutant and not repeatable run to run) and CLI tests (a subprocess per case). The worked
# cases beside them must kill the mutants on their own.
EXCLUDE_TESTS='*_properties.py *_cli.py'
# Whole checkouts (localstripe, a browser-like client) cost seconds per mutant: a group lists
# the few that reach its module in a way no faster test does (landed-cost: test_mut_landed
# has one checkout for the calendar-year limit; test_identity's are left to `make test`).
# ------------------------------------------------------------------------------------------

CHILDREN=${MUTATION_CHILDREN:-1}
NICE=${MUTATION_NICE:-10}
WORKDIR=${MUTATION_DIR:-var/mutation}
DB_HOST_URL=${DATABASE_HOST_URL:-postgres://postgres@127.0.0.1:5432}
SOURCE_PATHS="commerce catalog agencies payouts tax"

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

rows() { printf '%s\n' "$GROUPS_TABLE" | grep -v '^[[:space:]]*$'; }

# mutmut runs pytest several times in one process, and pytest-django adds its "test_"
# prefix to the already-prefixed name each time: test_mut_<group>, test_test_mut_<group>,
# ... (and the regional stores' _us and _eu). A group's databases are dropped after it.
databases_drop() {
    .venv/bin/python - "$DB_HOST_URL/postgres" "$1" <<'PY'
import re
import sys

import psycopg

url, base = sys.argv[1:]
ours = re.compile(rf"(test_)*{re.escape(base)}(_[a-z]{{2}})?")  # _us, _eu: regional stores
with psycopg.connect(url, autocommit=True) as connection:
    names = [
        name
        for (name,) in connection.execute("SELECT datname FROM pg_database")
        if ours.fullmatch(name)
    ]
    for name in names:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PY
}

if [[ ${1:-} == --list ]]; then
    rows | while IFS='|' read -r name target kind modules tests; do
        printf '%-18s >=%s%%  %-6s  %s  <-  %s\n' "$(trim "$name")" "$(trim "$target")" \
            "$(trim "$kind")" "$(trim "$modules")" "$(trim "$tests")"
    done
    exit 0
fi

survivors_only=0
if [[ ${1:-} == --survivors ]]; then survivors_only=1; shift; fi

wanted=("$@")
if ((${#wanted[@]})); then
    for w in "${wanted[@]}"; do
        known=$(rows | cut -d'|' -f1 | tr -d ' ')
        grep -qx -- "$w" <<<"$known" ||
            { echo "mutation: unknown group '$w' (see scripts/mutation.sh --list)" >&2; exit 2; }
    done
fi

selected() {
    ((${#wanted[@]})) || return 0
    local w
    for w in "${wanted[@]}"; do [[ $w == "$1" ]] && return 0; done
    return 1
}

# setup.cfg values are one per line, continuation lines indented.
cfg_list() { local first=1 v; for v in "$@"; do
    if ((first)); then printf '%s\n' "$v"; first=0; else printf '    %s\n' "$v"; fi; done; }

read -ra excluded <<<"$EXCLUDE_TESTS"
summary=()
status=0
mkdir -p "$WORKDIR"

while IFS='|' read -r name target kind modules tests; do
    name=$(trim "$name"); target=$(trim "$target"); kind=$(trim "$kind")
    selected "$name" || continue
    echo "== $name"

    present=()
    for m in $(trim "$modules"); do
        if [[ -f $m ]]; then present+=("$m"); else
            echo "   MISSING module $m (renamed? update the table in scripts/mutation.sh)"
        fi
    done
    test_files=()
    for pattern in $(trim "$tests"); do
        # shellcheck disable=SC2206  # globs expand here on purpose
        matched=($pattern)
        for t in "${matched[@]}"; do
            [[ -e $t ]] || continue
            for x in "${excluded[@]}"; do
                # shellcheck disable=SC2053  # a glob on purpose
                [[ $(basename "$t") == $x ]] && continue 2
            done
            test_files+=("$t")
        done
        [[ $pattern == *'*'* || -e $pattern ]] ||
            echo "   MISSING tests $pattern (renamed? update the table in scripts/mutation.sh)"
    done
    if ((${#present[@]} == 0 || ${#test_files[@]} == 0)); then
        line=$(printf '%-18s  NOT RUN: no module files or no tests found' "$name")
        summary+=("$line"); status=1
        continue
    fi

    scratch="$WORKDIR/$name"
    rerun=()
    full_run=$((!survivors_only))
    if ((survivors_only)); then
        # A module changed since (a pragma added, a fix): mutmut renumbers its mutants, so
        # the old survivors' names no longer name the same mutants: run the group whole.
        for m in "${present[@]}"; do
            if ! cmp -s "$m" "$scratch/$m"; then
                echo "   $m changed since the last run: running $name whole"
                full_run=1
                break
            fi
        done
    fi
    if ((!full_run)); then
        if [[ ! -d $scratch/mutants || ! -f $WORKDIR/$name.results ]]; then
            echo "   no earlier run of $name to re-test: run it whole first"
            summary+=("$(printf '%-18s  NOT RUN: no earlier run' "$name")"); status=1
            continue
        fi
        mapfile -t rerun < <(grep -E ': (survived|timeout)$' "$WORKDIR/$name.results" |
            sed 's/^[[:space:]]*//; s/: [a-z ]*$//')
        # Refresh the copy (sources, tests) in place; mutmut's state under mutants/ stays,
        # so only the named mutants run again (and new tests get their stats first).
        git ls-files -z --cached --others --exclude-standard |
            xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1"' _ {} |
            tar --null -T - -cf - | tar -xf - -C "$scratch"
        echo "   re-testing ${#rerun[@]} survivors"
    else
        rm -rf "$scratch"
        mkdir -p "$scratch"
        # The working tree as it is (tracked and untracked, not ignored), not just HEAD.
        git ls-files -z --cached --others --exclude-standard |
            xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1"' _ {} |
            tar --null -T - -cf - | tar -xf - -C "$scratch"
        ln -s "$ROOT/.venv" "$scratch/.venv"
    fi

    children=$CHILDREN
    if [[ $kind == pure ]]; then
        pytest_args=(-p no:cacheprovider -p no:django --noconftest)
    else
        pytest_args=(-p no:cacheprovider --reuse-db)
        children=1  # one test database: see MUTATION_CHILDREN above
    fi
    {
        echo "[mutmut]"
        printf 'source_paths='; cfg_list $SOURCE_PATHS
        # static: STATICFILES_DIRS names it; without it a command run through
        # execute_from_command_line prints a system-check warning (staticfiles.W004).
        printf 'also_copy='; cfg_list templates static locale manage.py tests
        printf 'only_mutate='; cfg_list "${present[@]}"
        printf 'pytest_add_cli_args_test_selection='; cfg_list "${test_files[@]}"
        printf 'pytest_add_cli_args='; cfg_list "${pytest_args[@]}"
    } >"$scratch/setup.cfg"
    rm -f "$scratch/pytest.ini"

    db="mut_${name//-/_}"
    log="$ROOT/$WORKDIR/$name.log"
    started=$(date +%s)
    rc=0
    if ((full_run || ${#rerun[@]})); then
        (cd "$scratch" && DATABASE_URL="$DB_HOST_URL/$db" nice -n "$NICE" \
            .venv/bin/mutmut run --max-children "$children" "${rerun[@]}") >"$log" 2>&1
        rc=$?
    fi
    (cd "$scratch" && .venv/bin/mutmut results --all true) >"$WORKDIR/$name.results" 2>>"$log"
    databases_drop "$db" 2>>"$log" || echo "   (could not drop the $db databases; see $log)"
    secs=$(($(date +%s) - started))

    count() { grep -c ": $1\$" "$WORKDIR/$name.results"; }
    killed=$(count killed); survived=$(count survived); timeout=$(count timeout)
    notests=$(count 'no tests'); total=$(grep -c ': ' "$WORKDIR/$name.results")
    other=$((total - killed - survived - timeout - notests))
    scored=$((killed + survived + timeout))
    if ((rc != 0 && total == 0)) || ((scored == 0)); then
        line=$(printf '%-18s  FAILED to run (exit %s, %s mutants); see %s' "$name" "$rc" "$total" "$log")
        summary+=("$line"); status=1
        echo "   $line"; tail -5 "$log" | sed 's/^/   | /'
        continue
    fi
    # Score in tenths of a percent, integer arithmetic.
    score10=$((killed * 1000 / scored))
    score=$(printf '%d.%d' $((score10 / 10)) $((score10 % 10)))
    verdict=ok
    ((score10 < target * 10)) && { verdict=BELOW; status=1; }
    line=$(printf '%-18s %6s%%  target >=%s%%  %-5s  killed %d, survived %d, timeout %d; no tests %d, other %d  (%ss)' \
        "$name" "$score" "$target" "$verdict" "$killed" "$survived" "$timeout" "$notests" "$other" "$secs")
    summary+=("$line")
    echo "   $line"
    echo "   survivors: grep ': survived' $WORKDIR/$name.results; show one: (cd $scratch && .venv/bin/mutmut show <name>)"
done < <(rows)

echo
echo "Mutation scores (killed / (killed + survived + timeout)):"
for line in "${summary[@]}"; do echo "  $line"; done
exit $status
}
