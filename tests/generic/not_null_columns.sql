{#- Fails for every row where any of the given columns is NULL: the model's not-null checks as one
    query and one dbt node instead of one per column (dbt's per-node cost dominates small builds). -#}
{% test not_null_columns(model, columns) %}
select
    {{ columns | join(', ') }}
from {{ model }}
where
    {%- for column in columns %}
    {{ 'or ' if not loop.first }}{{ column }} is null
    {%- endfor %}
{% endtest %}
