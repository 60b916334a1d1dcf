{#- Google Analytics 4's BigQuery export: daily tables events_YYYYMMDD (or one table holding
    them all), one row per event, event_params a repeated (key, value struct) record. GA4 has no
    event id and rewrites the last three daily tables as late hits arrive, so the adapter derives
    a deterministic id (a rewritten row keeps its id and is deduplicated in staging) and stamps
    each row with its day (event_date + 1 day), so a grown day is a changed batch that
    stg_raw__load_batches re-stages. docs/sources.md has the column mapping. -#}

{#- The params' type for params landed as JSON text: GA4's record with every value read as text
    (BigQuery's JSON export writes INT64 as strings; Spark's from_json would NULL a whole record). -#}
{% macro ga4_params_struct() -%}
    {{ return(adapter.dispatch('ga4_params_struct', 'lead_scoring')()) }}
{%- endmacro %}
{% macro default__ga4_params_struct() -%}
    array<struct<key:string,value:struct<string_value:string,int_value:string,float_value:string,double_value:string>>>
{%- endmacro %}

{#- event_params landed as JSON text (an export to files) as the repeated record, values as text;
    NULL when the text is not a JSON array. -#}
{% macro ga4_params_from_text(expr) -%}
    {{ return(adapter.dispatch('ga4_params_from_text', 'lead_scoring')(expr)) }}
{%- endmacro %}
{% macro default__ga4_params_from_text(expr) -%}
    from_json({{ expr }}, '{{ lead_scoring.ga4_params_struct() }}')
{%- endmacro %}
{% macro duckdb__ga4_params_from_text(expr) -%}
    case when json_valid({{ expr }}) and json_type({{ expr }}) = 'ARRAY' then json_transform({{ expr }},
        '[{"key": "VARCHAR", "value": {"string_value": "VARCHAR", "int_value": "VARCHAR",
        "float_value": "VARCHAR", "double_value": "VARCHAR"}}]') end
{%- endmacro %}

{#- The value of one event param as text (string, int, double or float value, the first set). -#}
{% macro ga4_param(params_expr, key) -%}
    {{ return(adapter.dispatch('ga4_param', 'lead_scoring')(params_expr, key)) }}
{%- endmacro %}
{% macro default__ga4_param(params_expr, key) -%}
    {%- set found = 'get(filter(' ~ params_expr ~ ', p -> p.key = ' ~ lead_scoring.quoted(key) ~ '), 0).value' -%}
    coalesce({{ found }}.string_value, cast({{ found }}.int_value as string),
        cast({{ found }}.double_value as string), cast({{ found }}.float_value as string))
{%- endmacro %}
{#- list_filter, not a correlated unnest subquery: DuckDB decorrelates each of those into a join
    (about 50 times slower here). -#}
{% macro duckdb__ga4_param(params_expr, key) -%}
    {%- set found = '(list_filter(' ~ params_expr ~ ', lambda p: p.key = '
        ~ lead_scoring.quoted(key) ~ '))[1].value' -%}
    coalesce({{ found }}.string_value, cast({{ found }}.int_value as varchar),
        cast({{ found }}.double_value as varchar), cast({{ found }}.float_value as varchar))
{%- endmacro %}

{#- GA4's event_timestamp (microseconds since the epoch, UTC) as a timestamp. -#}
{% macro timestamp_from_micros(expr) -%}
    {{ return(adapter.dispatch('timestamp_from_micros', 'lead_scoring')(expr)) }}
{%- endmacro %}
{% macro default__timestamp_from_micros(expr) -%}
    timestamp_micros({{ expr }})
{%- endmacro %}
{% macro duckdb__timestamp_from_micros(expr) -%}
    make_timestamp({{ expr }})
{%- endmacro %}

{#- The export's relations: with an identifier ending in '*' (events_*, the default) every daily
    table events_YYYYMMDD in the schema (events_intraday_* are left out: each is replaced by its
    daily table), else the one table named. `events` is source('ga4', 'events'). -#}
{% macro ga4_relations(events) -%}
    {%- if not events.identifier.endswith('*') -%}
        {{- return([events]) -}}
    {%- endif -%}
    {%- set prefix = events.identifier[:-1] | lower -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for name in lead_scoring.table_names_like(events.database, events.schema, prefix) | sort -%}
            {%- set suffix = name[prefix | length:] -%}
            {%- if name.startswith(prefix) and suffix | length == 8 and suffix.isdigit() -%}
                {%- do found.append(api.Relation.create(database=events.database, schema=events.schema,
                    identifier=name, type='table')) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(found) -}}
{%- endmacro %}

{#- The params read out of each row (key -> output column) and those copied into properties. -#}
{% macro ga4_param_columns() -%}
    {{- return({'page_location': 'url', 'engagement_time_msec': 'engagement_msec', 'source': 'utm_source',
        'campaign': 'utm_campaign'}) -}}
{%- endmacro %}
{% macro ga4_property_params() -%}
    {{- return(['page_title', 'page_referrer', 'ga_session_id', 'medium', 'term', 'content']
        + var('lead_scoring__ga4_property_params', []) | list) -}}
{%- endmacro %}

{#- One export table's rows in the adapter's common shape (all text but the times), params read
    per table so tables landed differently (struct or JSON text) union cleanly. -#}
{% macro ga4_event_rows(relation) -%}
    {%- set types = lead_scoring.column_types(relation) -%}
    {%- set present = types.keys() | list -%}
    {%- set params_type = types.get('event_params', '') -%}
    {%- set params_text = params_type in ('varchar', 'text', 'string', 'json') or params_type.startswith('varchar') -%}
    {%- set micros = lead_scoring.try_cast(
        lead_scoring.clean_text(lead_scoring.column_or_null('event_timestamp', present)),
        dbt.type_bigint()) -%}
    {%- set day = lead_scoring.clean_text(lead_scoring.column_or_null('event_date', present)) -%}
    {%- set id_parts = [] -%}
    {%- for column in ['stream_id', 'user_pseudo_id', 'user_id', 'event_timestamp', 'event_name',
        'event_bundle_sequence_id', 'batch_event_index', 'batch_ordering_id'] if column in present -%}
        {%- do id_parts.append('coalesce(' ~ lead_scoring.as_text(adapter.quote(column)) ~ ", '')") -%}
        {%- if not loop.last -%}{%- do id_parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {%- set watermark = var('lead_scoring__ga4_loaded_at_column', none) -%}
    {%- set has_params = 'event_params' in present -%}
    select
        export_rows.event_id,
        export_rows.contact_id,
        export_rows.anonymous_id,
        export_rows.collector_event,
        export_rows.occurred_at_text,
        export_rows.occurred_at,
        {%- for key, name in lead_scoring.ga4_param_columns().items() %}
        {{ lead_scoring.clean_text(lead_scoring.ga4_param('export_rows.params', key)) if has_params
            else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as {{ name }},
        {%- endfor %}
        {%- if has_params %}
        {%- set pairs = [] %}
        {%- for key in lead_scoring.ga4_property_params() %}
        {%- do pairs.append([key | replace('page_referrer', 'referrer') | replace('medium', 'utm_medium')
            | replace('term', 'utm_term') | replace('content', 'utm_content'),
            lead_scoring.clean_text(lead_scoring.ga4_param('export_rows.params', key))]) %}
        {%- endfor %}
        {{ lead_scoring.json_object_text(pairs) }} as properties,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as properties,
        {%- endif %}
        {{ 'export_rows.params_text is not null and export_rows.params is null' if params_text else 'false' }}
            as params_unparseable,
        export_rows.loaded_at,
        export_rows.collector_table,
        export_rows.raw_values
    from (
        select
            {{ dbt.concat(["'ga4:'", dbt.hash(dbt.concat(id_parts))]) }} as event_id,
            {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
            {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_pseudo_id', present)) }} as anonymous_id,
            {{ lead_scoring.clean_text(lead_scoring.column_or_null('event_name', present)) }} as collector_event,
            {{ lead_scoring.clean_text(lead_scoring.column_or_null('event_timestamp', present)) }} as occurred_at_text,
            {{ lead_scoring.timestamp_from_micros(micros) }} as occurred_at,
            {%- if params_text %}
            {{ lead_scoring.clean_text('event_params') }} as params_text,
            {{ lead_scoring.ga4_params_from_text(lead_scoring.clean_text('event_params')) }} as params,
            {%- elif has_params %}
            event_params as params,
            {%- endif %}
            {%- if watermark and watermark | lower in present %}
            {{ lead_scoring.collector_timestamp(watermark, present, types) }} as loaded_at,
            {%- else %}
            {{ dbt.dateadd('day', 1, lead_scoring.utc_timestamp(dbt.concat(['substring(' ~ day ~ ', 1, 4)', "'-'",
                'substring(' ~ day ~ ', 5, 2)', "'-'", 'substring(' ~ day ~ ', 7, 2)']))) }} as loaded_at,
            {%- endif %}
            {{ lead_scoring.quoted(relation.identifier) }} as collector_table,
            {#- struct params are left out (their text form differs by engine); text params are kept -#}
            {{ lead_scoring.collector_values(present | select('in', ['event_date', 'event_timestamp', 'event_name',
                'user_id', 'user_pseudo_id'] + (['event_params'] if params_text else [])) | list) }} as raw_values
        from {{ relation }}
    ) as export_rows
{%- endmacro %}

{#- Every export table's events in the adapter's common shape. No export table yet: no rows,
    same columns. `events` is source('ga4', 'events'), passed by the model so the lineage shows it. -#}
{% macro ga4_events(events) -%}
    {%- set relations = lead_scoring.ga4_relations(events) -%}
    {%- if not relations %}
    select
        {%- for column in ['event_id', 'contact_id', 'anonymous_id', 'collector_event', 'occurred_at_text', 'url',
            'engagement_msec', 'utm_source', 'utm_campaign', 'properties', 'collector_table', 'raw_values'] %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        false as params_unparseable
    where 1 = 0
    {%- else %}
    {%- for relation in relations %}
    {{ lead_scoring.ga4_event_rows(relation) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#- Lower-cased names of the tables and views in a schema that start with `prefix`. -#}
{% macro table_names_like(database, schema, prefix) -%}
    {{ return(adapter.dispatch('table_names_like', 'lead_scoring')(database, schema, prefix)) }}
{%- endmacro %}
{% macro default__table_names_like(database, schema, prefix) -%}
    {%- set names = [] -%}
    {%- for row in run_query('show tables in ' ~ schema ~ " like '" ~ prefix ~ "*'") -%}
        {%- do names.append(row['tableName'] | lower) -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}
{% macro duckdb__table_names_like(database, schema, prefix) -%}
    {%- set query -%}
        select lower(table_name) as name from information_schema.tables
        where lower(table_schema) = lower({{ lead_scoring.quoted(schema) }})
        {%- if database %} and lower(table_catalog) = lower({{ lead_scoring.quoted(database) }}){% endif %}
            and starts_with(lower(table_name), {{ lead_scoring.quoted(prefix) }})
    {%- endset -%}
    {%- set names = [] -%}
    {%- for row in run_query(query) -%}
        {%- do names.append(row['name']) -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}
