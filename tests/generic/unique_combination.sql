{#- Fails for every combination of the given columns that occurs more than once
    (a composite primary key test; dbt_utils is not available offline). -#}
{% test unique_combination(model, columns, where=none) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
{%- if where %}
where {{ where }}
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
