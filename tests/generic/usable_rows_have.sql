{#- Audit of a base_raw__* view: every row kept as usable (no rejection_reason) has `column_name`
    (its required id). It reads every raw row, so it runs only with full_checks
    (docs/operations.md), like the full key checks. -#}
{% test usable_rows_have(model, column_name) %}
{{ config(enabled=var('lead_scoring__full_checks', var('full_checks', false))) }}
select {{ column_name }}
from {{ model }}
where rejection_reason is null and {{ column_name }} is null
{% endtest %}
