"""n8n JavaScript expressions → WFAIB JSONata templates (``state_machines.n8n.expressions``)."""

from __future__ import annotations

import pytest
from jsonata import Jsonata  # type: ignore[import-untyped]

from state_machines.model.expressions import jsonata_syntax_error, split_template
from state_machines.n8n.expressions import (
    MARKER_PREFIX,
    ExpressionContext,
    UntranslatableError,
    marker,
    translate_string,
    translate_value,
)

CONTEXT = ExpressionContext(
    references={"Fetch Order": "$fetch_order", "Webhook": "$trigger"},
    webhook_names=frozenset({"Webhook"}),
)


@pytest.mark.parametrize(
    ("n8n", "wfaib"),
    [
        ("={{ $json.total }}", "{{ $input.total }}"),
        ('={{ $json["first name"] }}', "{{ $input.`first name` }}"),
        ("=Order {{ $json.id }} is ready", "Order {{ $input.id }} is ready"),
        ("={{ $('Fetch Order').item.json.total }}", "{{ $fetch_order.total }}"),
        ("={{ $('Fetch Order').first().json.lines[0].sku }}", "{{ $fetch_order.lines[0].sku }}"),
        ('={{ $node["Fetch Order"].json["total"] }}', "{{ $fetch_order.total }}"),
        ("={{ $items('Fetch Order')[0].json.total }}", "{{ $fetch_order.total }}"),
        ("={{ $input.first().json.name }}", "{{ $input.name }}"),
        ("={{ $('Webhook').item.json.body.email }}", "{{ $trigger.email }}"),
        (
            "={{ $json.total > 100 && $json.paid === true }}",
            "{{ (($input.total > 100) and $input.paid = true) }}",
        ),
        ("={{ $json.status !== 'done' || !$json.ok }}", '{{ ($input.status != "done" or $not($input.ok)) }}'),
        ("={{ $json.name || 'anonymous' }}", '{{ ($input.name ? $input.name : "anonymous") }}'),
        ("={{ $json.first + ' ' + $json.last }}", '{{ (($input.first & " ") & $input.last) }}'),
        ("={{ $json.a + $json.b }}", "{{ ($input.a + $input.b) }}"),
        ("={{ $json.vip ? 'fast' : 'slow' }}", '{{ ($input.vip ? "fast" : "slow") }}'),
        ("={{ `Hi ${$json.name}!` }}", '{{ ("Hi " & $string($input.name) & "!") }}'),
        ("={{ $json.email.toLowerCase().trim() }}", "{{ $trim($lowercase($input.email)) }}"),
        ("={{ JSON.stringify($json) }}", "{{ $string($input) }}"),
        ("={{ Math.round($json.price) }}", "{{ $round($input.price) }}"),
        ("={{ $json.tags.join(', ') }}", '{{ $join($input.tags, ", ") }}'),
        ("={{ !!$json.error }}", "{{ $boolean($input.error) }}"),
        ("={{ $now.toISO() }}", "{{ $now() }}"),
        (
            "={{ $today.minus({days: 7}).toISODate() }}",
            '{{ $substring($fromMillis(($toMillis($substring($now(), 0, 10) & "T00:00:00.000Z") - (7 * 86400000))), 0, 10) }}',
        ),
        ("={{ $now.format('yyyy-MM-dd') }}", '{{ $fromMillis($toMillis($now()), "[Y0001]-[M01]-[D01]") }}'),
        (
            "={{ DateTime.fromISO($json.at).toFormat('MMMM d, yyyy') }}",
            '{{ $fromMillis($toMillis($input.at), "[MNn] [D1], [Y0001]") }}',
        ),
        ("={{ $execution.id }}", "{{ $execution.id }}"),
        ("={{ $json.text.replace('a', 'b') }}", '{{ $replace($input.text, "a", "b", 1) }}'),
        ("={{ $json.text.replace(/\\s+/g, ' ') }}", '{{ $replace($input.text, /\\s+/, " ") }}'),
        ("={{ /^re:/i.test($json.subject) }}", "{{ $contains($input.subject, /^re:/i) }}"),
        ("={{ $json.csv.split(/[,;]/) }}", "{{ $split($input.csv, /[,;]/) }}"),
        ("={{ $json.total / 2 }}", "{{ ($input.total / 2) }}"),
        ("={{ $json.query.parseJson().limit }}", "{{ $parse($input.query).limit }}"),
        ("={{ $json.toJsonString() }}", "{{ $string($input) }}"),
        ("={{ $json.name.urlEncode() }}", "{{ $encodeUrlComponent($input.name) }}"),
        ("={{ $json.tags.first() }}", "{{ $input.tags[0] }}"),
        (
            "={{ $now.minus(1, 'days').format('yyyyMMdd') }}",
            '{{ $fromMillis(($toMillis($now()) - (1 * 86400000)), "[Y0001][M01][D01]") }}',
        ),
    ],
)
def test_translates_the_javascript_n8n_workflows_use(n8n: str, wfaib: str) -> None:
    translated = translate_string(n8n, CONTEXT)
    assert translated == wfaib
    for part in split_template(translated):
        if part.is_expression:
            assert jsonata_syntax_error(part.text) is None


def test_a_filter_reads_the_item_and_a_webhook_input_is_its_body() -> None:
    in_filter = ExpressionContext(item="$item")
    assert translate_string("={{ $json.paid }}", in_filter) == "{{ $item.paid }}"
    after_webhook = ExpressionContext(input_is_webhook=True)
    assert translate_string("={{ $json.body.id }}", after_webhook) == "{{ $input.id }}"
    with pytest.raises(UntranslatableError, match="headers"):
        translate_string("={{ $json.headers['x-sig'] }}", after_webhook)


def test_plain_strings_stay_literal_and_literal_braces_cannot_become_expressions() -> None:
    assert translate_string("hello", CONTEXT) == "hello"
    literal = translate_string("a {{ b }} c", CONTEXT)
    assert literal == '{{ "a {\\u007b b }\\u007d c" }}'
    assert Jsonata(split_template(literal)[0].text).evaluate(None) == "a {{ b }} c"


def test_nested_braces_inside_an_expression_do_not_end_it() -> None:
    translated = translate_string('={{ {"q": {"v": $json.n}} }} and {{ "}}" }}', CONTEXT)
    assert translated == '{{ {"q": {"v": $input.n} } }} and {{ "}\\u007d" }}'
    assert [part.text for part in split_template(translated) if part.is_expression] == [
        '{"q": {"v": $input.n} }',
        '"}\\u007d"',
    ]


@pytest.mark.parametrize(
    "n8n",
    [
        "={{ $json.items.map(i => i.price) }}",
        "={{ $binary.data.fileName }}",
        "={{ $('Nowhere').item.json.x }}",
        "={{ $json.x.someCustomMethod() }}",
        "={{ DateTime.fromFormat($json.d, 'dd/MM') }}",
        "={{ $json[$json.key] }}",
    ],
)
def test_unsupported_javascript_is_refused_not_guessed(n8n: str) -> None:
    with pytest.raises(UntranslatableError):
        translate_string(n8n, CONTEXT)


def test_untranslated_values_become_visible_markers_and_are_listed() -> None:
    untranslated: list[str] = []
    value = translate_value(
        {"ok": "={{ $json.a }}", "bad": ["={{ $json.a.map(x => x) }}"]}, CONTEXT, untranslated
    )
    assert value["ok"] == "{{ $input.a }}"
    assert value["bad"][0].startswith(MARKER_PREFIX)
    assert "{{" not in value["bad"][0]
    assert untranslated == ["={{ $json.a.map(x => x) }} (expected ')', found '=>')"]
    assert marker("={{ x }}") == f"{MARKER_PREFIX} {{ {{ x }} }}"


def test_object_and_array_literals_become_jsonata_constructors() -> None:
    translated = translate_string(
        "={{ JSON.stringify({ model: 'gpt', 'max tokens': 5, input: [$json.text] }) }}", CONTEXT
    )
    assert translated == '{{ $string({"model": "gpt", "max tokens": 5, "input": [$input.text]}) }}'


def test_translated_dates_evaluate_like_luxon() -> None:
    expression = translate_string(
        "={{ DateTime.fromISO($json.at).minus({ days: 1, hours: 2 }).toFormat('yyyy-MM-dd HH:mm') }}", CONTEXT
    )
    jsonata = expression.removeprefix("{{ ").removesuffix(" }}").replace("$input", "$")
    assert Jsonata(jsonata).evaluate({"at": "2024-03-10T12:30:00.000Z"}) == "2024-03-09 10:30"
    with pytest.raises(UntranslatableError, match="calendar arithmetic"):
        translate_string("={{ $now.plus({ months: 1 }) }}", CONTEXT)
