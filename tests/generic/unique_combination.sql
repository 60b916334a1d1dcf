{#- Fails for every combination of the given columns that occurs more than once (a composite
    primary key test; dbt_utils is not available offline) and, with `not_null`, for every
    combination with a NULL in any of those columns in one of its rows: a model's key checks as one
    query over one scan and one dbt node (dbt's per-node cost dominates small builds). -#}
{% test unique_combination(model, columns, where=none, not_null=none) %}
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
{% endtest %}
