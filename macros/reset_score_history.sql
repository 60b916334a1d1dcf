{#- Used by scripts/backfill_history.py: forget history from `since` on, reopening the versions
    that were current then, so builds at as_of >= since can rewrite it in order.
    dbt run-operation reset_score_history --args '{since: "2026-01-01"}' -#}
{% macro reset_score_history(since) %}
    {#- ref() here: an operation (run-operation) on the built marts, not a model; nothing to show in the DAG -#}
    {%- set history = ref('fct_lead_score_history') -%}
    {%- set since_ts = lead_scoring.timestamp_literal(since) -%}
    {% call statement('reset_history', fetch_result=False, auto_begin=True) %}
        delete from {{ history }} where valid_from >= {{ since_ts }};
        update {{ history }} set valid_to = null, is_current = true
        where valid_to >= {{ since_ts }}
    {% endcall %}
    {% do adapter.commit() %}
    {#- the rule-level changes are replayed from the history's versions: forget them too -#}
    {%- set changes = ref('fct_lead_score_changes') -%}
    {%- if adapter.get_relation(changes.database, changes.schema, changes.identifier) is not none %}
    {% call statement('reset_changes', fetch_result=False, auto_begin=True) %}
        delete from {{ changes }} where changed_at >= {{ since_ts }}
    {% endcall %}
    {% do adapter.commit() %}
    {%- endif %}
    {{ log('score history reset from ' ~ since, info=True) }}
{% endmacro %}
