{#- Primary-key test for incremental tables whose every written row carries the run's stamp
    (processed_at): fails for every combination of `columns` that occurs more than once among
    all rows, looking only at combinations that rows of the newest run carry. A duplicate needs
    a written row, and rows of earlier runs were checked by those runs' builds, so an
    incremental build checks its increment against all history without grouping all of it.
    When every row is from the newest run (a first or full-refresh build), or with
    --vars '{full_checks: true}', all combinations are checked. `row_filter`: a predicate that
    leaves out rows the key does not cover (e.g. bookkeeping rows). `not_null`: columns every row
    must have, checked on the same rows (the newest run's, or all), each a name or {name: predicate}
    for a column required only where the predicate holds; a row missing one is returned with
    occurrences 0. `expect`: predicates every such row must meet (a NULL result passes, as in
    accepted_values and accepted_range), e.g. `event_count >= 1`; a row failing one is returned
    the same way. One node and one query per model (dbt's per-node cost dominates small builds,
    and a separate column test would re-read every earlier run's rows).
    When `stamp_column` is one of `columns` (a table keyed by the time it records, e.g.
    fct_lead_score_changes' changed_at), a duplicate shares its stamp, so only the newest rows
    are read and grouped: the test costs what the run wrote, not what history holds. Otherwise,
    when the key is one text column, the older rows are read only inside the newest rows' range
    of it (literals the engine can skip row groups by). -#}
{% test unique_recent(model, columns, stamp_column='processed_at', row_filter=none, not_null=none, expect=none) %}
{%- set scoped = not lead_scoring.setting('full_checks') -%}
{%- set newest = none -%}
{%- if scoped and execute -%}
    {%- set relation = adapter.get_relation(database=model.database, schema=model.schema,
        identifier=model.identifier) -%}
    {%- if relation is none -%}
        {%- set scoped = false -%}
    {%- else -%}
        {%- set newest = lead_scoring.stored_max(model, stamp_column) -%}
        {%- set older = run_query('select count(*) from (select 1 from ' ~ model ~ ' where ' ~ stamp_column
            ~ ' < ' ~ newest ~ ' limit 1) as older_rows') -%}
        {%- set scoped = older.rows[0][0] > 0 -%}
    {%- endif -%}
{%- endif %}
{%- if scoped and newest is none -%}
    {%- set newest = lead_scoring.stored_max(model, stamp_column) -%}  {#- not executing: a placeholder #}
{%- endif %}
{%- set stamp_in_key = stamp_column in columns %}
{#- A one-column text key's range among the newest rows, as literals: a repeated key lies inside
    it, and an engine with min/max statistics (DuckDB zone maps, parquet row groups) then skips
    the older rows outside it, most of them when keys grow with time (sequential ids, ULIDs).
    Not for a longer key: its first column (a contact, a condition) spans nearly every row, and
    the filter only misleads the join's planning (2.5 s instead of 0.6 s at 20M events). -#}
{%- set key_range = [] %}
{%- if scoped and not stamp_in_key and execute and columns | length == 1 %}
    {%- set first = columns[0] %}
    {%- for col in adapter.get_columns_in_relation(relation) if col.name | lower == first | lower and col.is_string() %}
        {#- wrapped in brackets so the result stays text (dbt infers numbers and dates from text) #}
        {%- set bounds = run_query('select ' ~ dbt.concat(["'['", 'min(' ~ first ~ ')', "']'"]) ~ ', '
            ~ dbt.concat(["'['", 'max(' ~ first ~ ')', "']'"]) ~ ' from ' ~ model ~ ' where ' ~ stamp_column
            ~ ' = ' ~ newest ~ (' and (' ~ row_filter ~ ')' if row_filter else '')) %}
        {#- no range when a bound holds a quote or backslash (engines escape them differently) #}
        {%- set unsafe = [] %}
        {%- for bound in bounds.rows[0] if bound is none or "'" in bound or "\\" in bound %}
            {%- do unsafe.append(bound) %}
        {%- endfor %}
        {%- if not unsafe %}
            {%- for bound in bounds.rows[0] %}
                {%- do key_range.append("'" ~ bound[1:-1] ~ "'") %}
            {%- endfor %}
        {%- endif %}
    {%- endfor %}
{%- endif %}
{%- if scoped and not stamp_in_key %}
with recent_keys as (
    select distinct
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
    where
        {{ stamp_column }} = {{ newest }}
        {%- if row_filter %} and ({{ row_filter }}){% endif %}
)
{%- endif %}

select
    {%- for column in columns %}
    checked.{{ column }},
    {%- endfor %}
    count(*) as occurrences
from (
    -- filtered before the join, so the predicate may name key columns
    {%- set checked_filters = [] %}
    {%- if scoped and stamp_in_key %}{% do checked_filters.append(stamp_column ~ ' = ' ~ newest) %}{% endif %}
    {%- if row_filter %}{% do checked_filters.append('(' ~ row_filter ~ ')') %}{% endif %}
    {%- if key_range %}{% do checked_filters.append(columns[0] ~ ' between ' ~ key_range | join(' and ')) %}{% endif %}
    {#- no `where (true)`: Spark reads `where (true)` after a table name as an alias and column list #}
    select * from {{ model }}
    {%- if checked_filters %} where {{ checked_filters | join(' and ') }}{% endif %}
) as checked
{%- if scoped and not stamp_in_key %}
inner join recent_keys
    on
    {%- for column in columns %}
        checked.{{ column }} = recent_keys.{{ column }}{{ ' and' if not loop.last }}
    {%- endfor %}
{%- endif %}
group by {% for column in columns %}checked.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
having count(*) > 1
{%- if not_null or expect %}
{%- set missing = [] %}
{%- for required in not_null or [] %}
    {%- if required is mapping %}
        {%- for column, predicate in required.items() %}
            {%- do missing.append('((' ~ predicate ~ ') and ' ~ column ~ ' is null)') %}
        {%- endfor %}
    {%- else %}
        {%- do missing.append(required ~ ' is null') %}
    {%- endif %}
{%- endfor %}
{%- for predicate in expect or [] %}
    {%- do missing.append('not (' ~ predicate ~ ')') %}
{%- endfor %}
union all
select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    0 as occurrences
from {{ model }}
where
    {%- if scoped %}
    {{ stamp_column }} = {{ newest }} and
    {%- endif %}
    ({{ missing | join(' or ') }})
{%- endif %}
{% endtest %}
