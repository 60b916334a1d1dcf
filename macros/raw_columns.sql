{#- The contract's raw columns (section 2) and how staging types them:
    string = trimmed text, code = trimmed lower-cased text, plus timestamp/int/float/boolean.
    Kept in one place so base models, docs and the loader agree. -#}
{% macro raw_columns(table) -%}
    {%- set columns = {
        'contacts': {
            'contact_id': 'string', 'account_id': 'string', 'email': 'code', 'first_name': 'string',
            'last_name': 'string', 'job_title': 'string', 'seniority': 'code', 'department': 'code',
            'industry': 'code', 'company_size': 'int', 'country': 'code', 'region': 'code',
            'city': 'string', 'lead_source': 'code', 'email_consent': 'boolean',
            'lifecycle_stage': 'code', 'owner_id': 'string', 'created_at': 'timestamp',
            'updated_at': 'timestamp'},
        'contact_attributes': {
            'contact_id': 'string', 'attribute': 'code', 'value': 'string', 'updated_at': 'timestamp'},
        'accounts': {
            'account_id': 'string', 'name': 'string', 'domain': 'code', 'industry': 'code',
            'employee_count': 'int', 'annual_revenue': 'float', 'country': 'code', 'region': 'code',
            'created_at': 'timestamp', 'updated_at': 'timestamp'},
        'interactions': {
            'event_id': 'string', 'contact_id': 'string', 'anonymous_id': 'string',
            'event_type': 'code', 'occurred_at': 'timestamp', 'channel': 'code', 'source': 'code',
            'campaign_id': 'string', 'email_id': 'string', 'url': 'string',
            'duration_seconds': 'float', 'amount': 'float', 'tags': 'code', 'properties': 'string'},
        'identities': {
            'anonymous_id': 'string', 'contact_id': 'string', 'identified_at': 'timestamp'},
        'conversions': {
            'conversion_id': 'string', 'contact_id': 'string', 'account_id': 'string',
            'converted_at': 'timestamp', 'outcome': 'code', 'amount': 'float'},
    } -%}
    {{ return(columns[table]) }}
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
    {%- if type == 'code' -%}
        {{ lead_scoring.normalized_text(column) }}
    {%- elif type == 'string' -%}
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

{#- select-list entries for a raw table: typed contract columns, extra columns as text,
    loaded_at, the rejection reason and the original values. -#}
{% macro base_select(table, required, extra_checks=[]) -%}
    {%- set columns = lead_scoring.raw_columns(table) -%}
    {%- set relation = source('raw', table) -%}
    {%- set enabled = lead_scoring.raw_table_enabled(table) -%}
    {%- set raw_types = lead_scoring.column_types(relation) if enabled else {} -%}
    {%- set extra = lead_scoring.extra_columns(relation, columns.keys() | list
        + [lead_scoring.loaded_at_column() | lower]) if enabled else [] -%}
    {%- set checks = [] -%}
    {%- for column in required -%}
        {%- if raw_types.get(column | lower) == lead_scoring.sql_type(columns[column]) | lower | trim -%}
            {%- do checks.append([column ~ ' is null', 'missing ' ~ column]) -%}
        {%- else -%}
            {%- do checks.append([lead_scoring.clean_text(column) ~ ' is null', 'missing ' ~ column]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for check in extra_checks -%}
        {%- do checks.append(check) -%}
    {%- endfor -%}
    {%- for column, type in columns.items() if type not in ('string', 'code') -%}
        {%- if raw_types.get(column | lower) != lead_scoring.sql_type(type) | lower | trim -%}
        {%- do checks.append([
            lead_scoring.clean_text(column) ~ ' is not null and '
            ~ lead_scoring.parse_text(lead_scoring.clean_text(column), type) ~ ' is null',
            'unparseable ' ~ column]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for column, type in columns.items() %}
    {{ lead_scoring.typed_raw_column(column, type, raw_types) }} as {{ column }},
    {%- endfor %}
    {%- for column in extra %}
    {{ lead_scoring.clean_text(adapter.quote(column)) }} as {{ adapter.quote(column | lower) }},
    {%- endfor %}
    loaded_at,
    {{ lead_scoring.first_failure(checks) }} as rejection_reason,
    {{ lead_scoring.raw_values(columns.keys() | list) }} as raw_values
{%- endmacro %}

{#- A raw table with any missing contract column added as NULL, so raw tables created by
    other tools with fewer columns still stage (the loader always creates them all). The load
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
