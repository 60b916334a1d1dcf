{#- The raw tables' contract columns as declared once in models/staging/raw/_raw__sources.yml
    (docs/architecture.md): {column: data_type} in declared order, without loaded_at (the load
    stamp). Read from the graph, which dbt fills only at execution: empty at parse time and under
    sqlfluff's templater, where models render with placeholder lists. -#}
{% macro raw_columns(table) -%}
    {%- set columns = {} -%}
    {%- for column in lead_scoring.raw_declared_columns(table) if column.name != 'loaded_at' -%}
        {%- do columns.update({column.name: column.data_type}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The required columns (meta required) that a usable row must have a value in (not may_be_blank). -#}
{% macro raw_required_columns(table) -%}
    {%- set required = [] -%}
    {%- for column in lead_scoring.raw_declared_columns(table) -%}
        {%- set meta = (column.config or {}).get('meta') or column.meta or {} -%}
        {%- if meta.get('required') and not meta.get('may_be_blank') -%}
            {%- do required.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(required) }}
{%- endmacro %}

{#- The column entries of this package's raw.<table> source, in declared order. -#}
{% macro raw_declared_columns(table) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for node in (graph.get('sources') or {}).values() if node.package_name == 'lead_scoring'
            and node.source_name == 'raw' and node.name == table -%}
            {%- do found.extend(node.columns.values() | list) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}

{#- What a base_raw__<table> model needs to type and check its raw table: the declared columns
    and required columns, the raw table's actual column types and its extra columns (those beyond
    the contract's, passed through). Calls source(): the raw table's relation is a package var. -#}
{% macro raw_table(table) -%}
    {%- set relation = source('raw', table) -%}
    {%- set enabled = lead_scoring.raw_table_enabled(table) -%}
    {%- set columns = lead_scoring.raw_columns(table) -%}
    {{ return({
        'columns': columns,
        'required': lead_scoring.raw_required_columns(table),
        'types': lead_scoring.column_types(relation) if enabled else {},
        'extra': lead_scoring.extra_columns(relation, columns.keys() | list
            + [lead_scoring.loaded_at_column() | lower]) if enabled else [],
    }) }}
{%- endmacro %}

{#- Lower-cased data types of a relation's columns by lower-cased name (empty at parse time). -#}
{% macro column_types(relation) -%}
    {%- set types = {} -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- do types.update({col.name | lower: col.dtype | lower | trim}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(types) }}
{%- endmacro %}

{#- A raw column as the contract types it. A column that already has that type in the raw table
    (the loader's tables) is used as it is: a text round trip could not change or reject it, and
    skipping it keeps staging 20M events cheap. Text-typed columns (other loaders) are parsed. -#}
{% macro typed_raw_column(column, type, raw_types) -%}
    {%- set sql_type = lead_scoring.sql_type(type) | lower | trim -%}
    {%- if type == 'string' -%}
        {{ lead_scoring.clean_text(column) }}
    {%- elif raw_types.get(column | lower) == sql_type -%}
        {{ column }}
    {%- else -%}
        {{ lead_scoring.parse_text(lead_scoring.clean_text(column), type) }}
    {%- endif -%}
{%- endmacro %}

{#- Text as a contract type, NULL when it does not parse; times with an offset become UTC. -#}
{% macro parse_text(expr, type) -%}
    {%- if type == 'timestamp' -%}
        {{ lead_scoring.utc_timestamp(expr) }}
    {%- else -%}
        {{ lead_scoring.try_cast(expr, lead_scoring.sql_type(type)) }}
    {%- endif -%}
{%- endmacro %}

{#- A typed raw column (not text) as its declared data_type: used as it is when the raw table
    already has that type, else parsed from text (typed_raw_column). `raw` is raw_table(table). -#}
{% macro raw_typed(column, raw) -%}
    {%- if execute and raw.columns and column not in raw.columns -%}
        {{ exceptions.raise_compiler_error(column ~ ' is not a column of the raw table in _raw__sources.yml') }}
    {%- endif -%}
    {{ lead_scoring.typed_raw_column(column, raw.columns.get(column, 'string'), raw.types) }}
{%- endmacro %}

{#- The select-list entries that close every base_raw__* model: the raw table's extra columns
    as trimmed text under their lower-cased names, loaded_at, rejection_reason (the first failing
    check, raw_rejection_reason) and raw_values (the declared columns' original values). -#}
{% macro raw_audit_columns(raw, extra_checks=[]) -%}
    {%- for column in raw.extra %}
    {{ lead_scoring.clean_text(adapter.quote(column)) }} as {{ adapter.quote(column | lower) }},
    {%- endfor %}
    loaded_at,
    {{ lead_scoring.raw_rejection_reason(raw, extra_checks) }} as rejection_reason,
    {{ lead_scoring.raw_values(raw.columns.keys() | list) }} as raw_values
{%- endmacro %}

{#- Why a raw row cannot be used (NULL when it can): the first failing check of 'missing <column>'
    for the declared required columns, then `extra_checks` ([condition, reason] pairs), then
    'unparseable <column>' for typed columns that arrive as text. -#}
{% macro raw_rejection_reason(raw, extra_checks=[]) -%}
    {%- set checks = [] -%}
    {%- for column in raw.required -%}
        {%- if raw.types.get(column | lower) == lead_scoring.sql_type(raw.columns[column]) | lower | trim -%}
            {%- do checks.append([column ~ ' is null', 'missing ' ~ column]) -%}
        {%- else -%}
            {%- do checks.append([lead_scoring.clean_text(column) ~ ' is null', 'missing ' ~ column]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for check in extra_checks -%}
        {%- do checks.append(check) -%}
    {%- endfor -%}
    {%- for column, type in raw.columns.items() if type != 'string' -%}
        {%- if raw.types.get(column | lower) != lead_scoring.sql_type(type) | lower | trim -%}
        {%- do checks.append([
            lead_scoring.clean_text(column) ~ ' is not null and '
            ~ lead_scoring.parse_text(lead_scoring.clean_text(column), type) ~ ' is null',
            'unparseable ' ~ column]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ lead_scoring.first_failure(checks) }}
{%- endmacro %}

{#- A raw table with any missing contract column added as NULL, so raw tables created by
    other tools with fewer columns still stage (the loader always creates them all). Calls
    source(): the relation is a package var and may lack columns or be switched off. The load
    watermark column (var lead_scoring__loaded_at_column) is read as loaded_at. An optional table
    switched off (var lead_scoring__using_<table>: false) is an empty relation of the same columns. -#}
{% macro raw_relation(table) -%}
    {%- set relation = source('raw', table) -%}
    {%- set watermark = lead_scoring.loaded_at_column() -%}
    {%- if not lead_scoring.raw_table_enabled(table) -%}
        {%- set columns = [] -%}
        {%- for column, type in lead_scoring.raw_columns(table).items() -%}
            {%- do columns.append('cast(null as ' ~ lead_scoring.sql_type(type) ~ ') as ' ~ column) -%}
        {%- endfor -%}
        {%- do columns.append('cast(null as ' ~ dbt.type_timestamp() ~ ') as loaded_at') -%}
        {{- return('(select ' ~ columns | join(', ') ~ ' where 1 = 0) as source_rows') -}}
    {%- endif -%}
    {%- set present = lead_scoring.column_names(relation) -%}
    {%- set missing = [] -%}
    {%- if execute and present -%}
        {%- for column, type in lead_scoring.raw_columns(table).items() if column not in present -%}
            {%- do missing.append('cast(null as ' ~ lead_scoring.sql_type(type) ~ ') as ' ~ column) -%}
        {%- endfor -%}
        {%- if watermark | lower != 'loaded_at' and watermark | lower in present -%}
            {%- do missing.append('cast(' ~ adapter.quote(watermark) ~ ' as ' ~ dbt.type_timestamp() ~ ') as loaded_at') -%}
        {%- elif 'loaded_at' not in present -%}
            {%- do missing.append('cast(null as ' ~ dbt.type_timestamp() ~ ') as loaded_at') -%}
        {%- endif -%}
    {%- endif -%}
    {%- if missing -%}
        (select *, {{ missing | join(', ') }} from {{ relation }}) as source_rows
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
