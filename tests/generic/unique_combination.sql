{#- Fails for every combination of the given columns that occurs more than once (a composite
    primary key test; dbt_utils is not available offline); with `not_null`, for every combination
    with a NULL in any of those columns in one of its rows; with `expect` (predicates, e.g.
    `direction in ('up', 'down')`), for every combination with a row that fails one (a NULL
    result passes, as in accepted_values and accepted_range). A model's row checks run as one
    query over one scan and one dbt node (dbt's per-node cost dominates small builds). -#}
{% test unique_combination(model, columns, where=none, not_null=none, expect=none) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
{%- if where %}
where {{ where }}
{%- endif %}
group by {{ columns | join(', ') }}
having
    count(*) > 1
    {%- if not_null %}
    or sum(case when {{ not_null | join(' is null or ') }} is null then 1 else 0 end) > 0
    {%- endif %}
    {%- for predicate in expect or [] %}
    or sum(case when not ({{ predicate }}) then 1 else 0 end) > 0
    {%- endfor %}
{% endtest %}
