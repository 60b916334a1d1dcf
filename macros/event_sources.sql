{#- Source adapters (docs/sources.md): var lead_scoring__event_sources lists the collectors whose
    warehouse tables are mapped onto the contract's raw layer: 'raw' (the contract's own tables,
    the default), 'segment', 'rudderstack' (Segment's spec), 'hubspot' (Fivetran),
    'snowplow' (atomic.events), 'ga4' (the BigQuery export). Their base models are unioned into
    base_raw__<table> before deduplication, so everything downstream is unchanged. -#}

{% macro event_sources() -%}
    {%- set sources = var('lead_scoring__event_sources', ['raw']) -%}
    {%- if sources is string -%}
        {%- set sources = sources.split(',') -%}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name in sources -%}
        {%- do names.append(name | string | trim | lower) -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}

{% macro event_source_enabled(name) -%}
    {{- return(name in lead_scoring.event_sources()) -}}
{%- endmacro %}

{#- The enabled collectors of Segment's warehouse spec, which RudderStack follows: one set of
    base models (base_segment__*) reads them all. -#}
{% macro segment_spec_collectors() -%}
    {%- set names = [] -%}
    {%- for name in ['segment', 'rudderstack'] if lead_scoring.event_source_enabled(name) -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}

{#- The adapter models (other than raw) that map a contract table, in a fixed order, each with
    the enabled collectors it reads: (collectors, model), only those with one enabled. -#}
{% macro adapter_models(table) -%}
    {%- set segment_spec = lead_scoring.segment_spec_collectors() -%}
    {%- set maps = {
        'interactions': [[segment_spec, 'base_segment__interactions'], [['hubspot'], 'base_hubspot__interactions'],
            [['snowplow'], 'base_snowplow__interactions'], [['ga4'], 'base_ga4__interactions']],
        'identities': [[segment_spec, 'base_segment__identities'], [['hubspot'], 'base_hubspot__identities'],
            [['snowplow'], 'base_snowplow__identities'], [['ga4'], 'base_ga4__identities']],
        'contacts': [[['hubspot'], 'base_hubspot__contacts']],
        'contact_attributes': [[segment_spec, 'base_segment__contact_attributes']],
    } -%}
    {%- set chosen = [] -%}
    {%- for pair in maps.get(table, []) if pair[0] | select('in', lead_scoring.event_sources()) | list -%}
        {%- do chosen.append(pair) -%}
    {%- endfor -%}
    {{- return(chosen) -}}
{%- endmacro %}

{#- `union all` of the adapters' base rows for a contract table, in the columns of the raw
    base select (contract columns, the raw table's extra columns as NULL, loaded_at,
    rejection_reason, raw_values). Empty when no adapter is enabled.
    It calls source() and ref() because var lead_scoring__event_sources decides at parse time
    which tables are read (a disabled adapter's model does not exist); the calling base model
    still records every edge in the DAG. -#}
{% macro adapter_union(table, raw_included=true) -%}
    {%- set columns = lead_scoring.raw_columns(table) -%}
    {%- set extra = [] -%}
    {%- if raw_included and lead_scoring.raw_table_enabled(table) -%}
        {%- set extra = lead_scoring.extra_columns(source('raw', table), columns.keys() | list
            + [lead_scoring.loaded_at_column() | lower]) -%}
    {%- endif -%}
    {%- for pair in lead_scoring.adapter_models(table) %}
    {{ 'union all' if raw_included or not loop.first }}
    select
        {%- for column in columns.keys() %}
        {{ column }},
        {%- endfor %}
        {%- for column in extra %}
        cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(column | lower) }},
        {%- endfor %}
        loaded_at,
        rejection_reason,
        raw_values
    from {{ ref(pair[1]) }}
    {%- endfor %}
{%- endmacro %}

{#- A JSON object text from (key, expression) pairs; a NULL value reads back as NULL (json_text). -#}
{% macro json_object_text(pairs) -%}
    {{ return(adapter.dispatch('json_object_text', 'lead_scoring')(pairs)) }}
{%- endmacro %}
{% macro default__json_object_text(pairs) -%}
    cast(json_object(
        {%- for pair in pairs %}{{ lead_scoring.quoted(pair[0]) }}, {{ pair[1] }}{{ ', ' if not loop.last }}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}
{% macro duckdb__json_object_text(pairs) -%}
    cast(json_object(
        {%- for pair in pairs %}{{ lead_scoring.quoted(pair[0]) }}, {{ pair[1] }}{{ ', ' if not loop.last }}{% endfor -%}
    ) as {{ dbt.type_string() }})
{%- endmacro %}
{#- to_json leaves out NULL struct fields, as DuckDB's json_object keeps them: both read the
    same through json_text (a missing key and a JSON null are both NULL). -#}
{% macro spark__json_object_text(pairs) -%}
    to_json(named_struct(
        {%- for pair in pairs %}{{ lead_scoring.quoted(pair[0]) }}, {{ pair[1] }}{{ ', ' if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}

{#- The contract event type of a collector's event name: the event_type_map seed (or the host's
    relation, var lead_scoring__event_type_map) for that collector, else the name trimmed and
    lower-cased. `map_alias` is the joined map's alias. -#}
{% macro mapped_event_type(name_expr, map_alias) -%}
    coalesce({{ map_alias }}.event_type, {{ lead_scoring.normalized_text(name_expr) }})
{%- endmacro %}

{#- `collector` is the collector's name; collector_expr, when given, is instead an SQL
    expression naming each row's collector (a model that reads several). -#}
{% macro event_type_map_join(collector, name_expr, map_alias='event_map', collector_expr=none) -%}
    left join (
        select
            {%- if collector_expr is not none %}
            {{ lead_scoring.normalized_text('collector') }} as collector,
            {%- endif %}
            {{ lead_scoring.normalized_text('collector_event') }} as collector_event,
            {{ lead_scoring.normalized_text('event_type') }} as event_type
        from {{ lead_scoring.rule_seed('event_type_map') }}
        {%- if collector_expr is none %}
        where {{ lead_scoring.normalized_text('collector') }} = {{ lead_scoring.quoted(collector) }}
        {%- endif %}
    ) as {{ map_alias }}
        on {{ lead_scoring.normalized_text(name_expr) }} = {{ map_alias }}.collector_event
        {%- if collector_expr is not none %}
        and {{ collector_expr }} = {{ map_alias }}.collector
        {%- endif %}
{%- endmacro %}

{#- The select list of a base_<collector>__interactions model: base_raw__interactions' columns,
    then collector_event and is_mapped (rpt_unmapped_event_names), from `rows`, an adapter's
    events in the common shape, left-joined to the event map as event_map (event_type_map_join).
    `columns` holds the expressions of the columns a collector fills its own way; channel is
    NULL and email_id, duration_seconds, amount and tags are NULL unless given. `checks` are
    first_failure's [condition, reason] pairs; `raw_values` the text kept for rejected rows. -#}
{% macro collector_event_columns(rows, checks, raw_values, columns={}) -%}
    {%- set text_null = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {%- set double_null = 'cast(null as ' ~ lead_scoring.type_double() ~ ')' -%}
    {%- set defaults = {
        'event_id': rows ~ '.event_id',
        'contact_id': rows ~ '.contact_id',
        'anonymous_id': rows ~ '.anonymous_id',
        'event_type': lead_scoring.mapped_event_type(rows ~ '.collector_event', 'event_map'),
        'occurred_at': rows ~ '.occurred_at',
        'channel': text_null,
        'source': rows ~ '.source',
        'campaign_id': rows ~ '.campaign_id',
        'email_id': text_null,
        'url': rows ~ '.url',
        'duration_seconds': double_null,
        'amount': double_null,
        'tags': text_null,
        'properties': rows ~ '.properties',
        'loaded_at': rows ~ '.loaded_at',
    } -%}
    {%- for column, default in defaults.items() %}
    {{ columns.get(column, default) }} as {{ column }},
    {%- endfor %}
    {{ rows }}.collector_event,
    event_map.event_type is not null as is_mapped,
    {{ lead_scoring.first_failure(checks) }} as rejection_reason,
    {{ raw_values }} as raw_values
{%- endmacro %}

{#- A column of a collector's table when the table has it, else NULL text (collectors create
    columns as properties first appear, so a young table lacks some). -#}
{% macro column_or_null(column, present) -%}
    {%- if column | lower in present -%}
        {{ adapter.quote(column) }}
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- A collector's timestamp column as the contract's timestamp (text or typed, offsets to UTC). -#}
{% macro collector_timestamp(column, present, types) -%}
    {%- if column | lower not in present -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ lead_scoring.typed_raw_column(
            adapter.quote(column), 'timestamp', {adapter.quote(column) | lower: types.get(column | lower)}) }}
    {%- endif -%}
{%- endmacro %}

{#- The load watermark of a collector's row: the first non-NULL of `candidates` the table has. -#}
{% macro collector_watermark(candidates, present, types) -%}
    {%- set parts = [] -%}
    {%- for column in candidates if column | lower in present -%}
        {%- do parts.append(lead_scoring.collector_timestamp(column, present, types)) -%}
    {%- endfor -%}
    {%- if not parts -%}
        {{- return('cast(null as ' ~ dbt.type_timestamp() ~ ')') -}}
    {%- endif -%}
    {{- return(parts[0] if parts | length == 1 else 'coalesce(' ~ parts | join(', ') ~ ')') -}}
{%- endmacro %}

{#- A collector row's original values as 'column=value; ...' text (quoted column names). -#}
{% macro collector_values(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do parts.append("'; '") -%}{%- endif -%}
        {%- do parts.append(lead_scoring.quoted(column ~ '=')) -%}
        {%- do parts.append("coalesce(" ~ lead_scoring.as_text(adapter.quote(column)) ~ ", 'NULL')") -%}
    {%- endfor -%}
    {%- if not parts -%}{%- do parts.append("''") -%}{%- endif -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}
