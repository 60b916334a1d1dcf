{#- Helpers for staging raw tables that may have been loaded by other tools with text columns. -#}


{#- The SQL type of a data_type of _raw__sources.yml (string, integer, double, boolean, timestamp). -#}
{% macro sql_type(type) -%}
    {%- if type == 'timestamp' -%}{{ dbt.type_timestamp() }}
    {%- elif type == 'integer' -%}{{ dbt.type_int() }}
    {%- elif type == 'double' -%}{{ lead_scoring.type_double() }}
    {%- elif type == 'boolean' -%}{{ dbt.type_boolean() }}
    {%- else -%}{{ dbt.type_string() }}
    {%- endif -%}
{%- endmacro %}

{#- First failing check as a reason text, NULL when the row is usable.
    checks: list of [sql_condition, reason]; none (a placeholder render) is a NULL text.
    prefix: an SQL text expression put before each reason with ': ' (a model reading several
    collectors names the row's own). -#}
{% macro first_failure(checks, prefix=none) -%}
    {%- if not checks -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    case
    {%- for check in checks %}
        when {{ check[0] }} then
        {%- if prefix is none %} {{ lead_scoring.quoted(check[1]) }}
        {%- else %} {{ dbt.concat([prefix, lead_scoring.quoted(': ' ~ check[1])]) }}
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}

{#- The original values of a raw row as one text, kept with rejected rows. -#}
{% macro raw_values(columns) -%}
    {%- if not columns -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'; '") -%}{%- endif -%}
        {%- do parts.append(lead_scoring.quoted(column ~ '=')) -%}
        {%- do parts.append("coalesce(" ~ lead_scoring.as_text(column) ~ ", 'NULL')") -%}
    {%- endfor -%}
    {{ lead_scoring.concat_text(parts) }}
{%- endmacro %}

{#- Columns of a relation beyond the contract's, kept and passed through (lower-cased names). -#}
{% macro extra_columns(relation, known) -%}
    {%- set extra = [] -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- if col.name | lower not in known and col.name | lower != 'loaded_at' -%}
                {%- do extra.append(col.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(extra) }}
{%- endmacro %}

{#- concat() parts rendering each column as text, '|'-separated, NULL as ''. -#}
{% macro csv_text_parts(columns) -%}
    {%- set parts = [] -%}
    {%- for col in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append("coalesce(" ~ lead_scoring.as_text(adapter.quote(col.name)) ~ ", '')") -%}
    {%- endfor -%}
    {%- if not parts -%}{%- do parts.append("''") -%}{%- endif -%}
    {{ return(parts) }}
{%- endmacro %}

{#- Lower-cased column names of a relation, without those in `skip` (empty at parse time). -#}
{% macro column_names(relation, skip=[]) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) if col.name | lower not in skip -%}
            {%- do names.append(col.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}

{#- Lower-cased names of a relation's floating-point columns. -#}
{% macro float_column_names(relation) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) if col.is_float() -%}
            {%- do names.append(col.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}

{#- An attribute value as rules see it: normalized text, numbers without a trailing '.0'. -#}
{% macro attribute_text(expr, is_float) -%}
    {%- if is_float -%}
        {{ lead_scoring.number_text(expr) }}
    {%- else -%}
        {{ lead_scoring.normalized_text(expr) }}
    {%- endif -%}
{%- endmacro %}

{#- Keys that occur more than once in `rows` (a CTE name): replays and updates, usually few. -#}
{% macro repeated_keys(rows, key) -%}
    select {{ key }} as repeated_key
    from {{ rows }}
    group by {{ key }}
    having count(*) > 1
{%- endmacro %}

{#- The rows of `rows` with a version_rank column: 1 for a key's only row, else the row_number
    by `order_by` among the key's rows. `repeated` is a CTE of repeated_keys(rows, key). Only
    repeated keys are sorted, so a mostly-unique table costs a hash aggregate, not a full sort;
    the caller keeps version_rank = 1. `rows` is read three times, so a small or costly
    `rows` (an incremental run's candidates) is better ranked whole: sort_all=true. -#}
{% macro rank_versions(rows, repeated, key, order_by, sort_all=false) -%}
    {%- if not sort_all %}
    select
        {{ rows }}.*,
        1 as version_rank
    from {{ rows }}
    left join {{ repeated }} on {{ rows }}.{{ key }} = {{ repeated }}.repeated_key
    where {{ repeated }}.repeated_key is null

    union all
    {% endif %}
    select * from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ order_by }}) as version_rank
        from {{ rows }}
        {%- if not sort_all %}
        where {{ key }} in (select {{ repeated }}.repeated_key from {{ repeated }})
        {%- endif %}
    ) as ranked
{%- endmacro %}

{#- A select list naming `columns` (quoted), or * when the list is empty (at parse time). -#}
{% macro column_list(columns) -%}
    {%- for column in columns %}
    {{ adapter.quote(column) }}{{ ',' if not loop.last }}
    {%- else %}
    *
    {%- endfor %}
{%- endmacro %}

{#- A seed column that older copies of the seed may lack (a host project's CSV from before the
    column existed): the column when the loaded relation has it, else a typed NULL. -#}
{% macro optional_column(relation, column, type, alias=none) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) if col.name | lower == column -%}
            {%- do found.append(col.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if found -%}
        {{ (alias ~ '.') if alias }}{{ adapter.quote(found[0]) }}
    {%- else -%}
        cast(null as {{ type }})
    {%- endif -%}
{%- endmacro %}
