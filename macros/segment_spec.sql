{#- Expressions of Segment's warehouse spec (also RudderStack's, which follows it): tracks, pages
    and identifies tables in one schema per source. The base_segment__* models list their columns
    and call these; docs/sources.md has the column mapping. -#}

{#- The load watermark: var lead_scoring__<collector>_loaded_at_column (uuid_ts), else received_at. -#}
{% macro segment_loaded_at(collector, present, types) -%}
    {{- lead_scoring.collector_watermark(
        [var('lead_scoring__' ~ collector ~ '_loaded_at_column', 'uuid_ts'), 'received_at'], present, types) -}}
{%- endmacro %}

{#- The JSON object text of the property columns a tracks or pages table has (context_campaign_*
    as utm_*, context_page_* unprefixed); NULL text when it has none. -#}
{% macro segment_properties(table, present) -%}
    {%- set columns = ['path', 'referrer', 'title', 'search', 'context_campaign_medium',
        'context_campaign_term', 'context_campaign_content'] if table == 'pages'
        else ['event_text', 'context_page_path', 'context_page_referrer', 'context_campaign_medium',
        'context_campaign_term', 'context_campaign_content'] -%}
    {%- set pairs = [] -%}
    {%- for column in columns if column in present -%}
        {%- do pairs.append([column | replace('context_campaign_', 'utm_') | replace('context_page_', ''),
            lead_scoring.clean_text(adapter.quote(column))]) -%}
    {%- endfor -%}
    {%- if not pairs -%}
        {{- return('cast(null as ' ~ dbt.type_string() ~ ')') -}}
    {%- endif -%}
    {{- lead_scoring.json_object_text(pairs) -}}
{%- endmacro %}

{#- A row's original values as 'column=value; ...' text, without context_ip and context_user_agent. -#}
{% macro segment_values(present) -%}
    {{- lead_scoring.collector_values(present | reject('in', ['context_user_agent', 'context_ip']) | list) -}}
{%- endmacro %}

{#- The identifies columns that are traits (a name list, no SQL): every column outside the spec's
    own fields, or only those var lead_scoring__<collector>_trait_columns lists. -#}
{% macro segment_traits(collector, present) -%}
    {%- set spec_fields = ['id', 'anonymous_id', 'user_id', 'received_at', 'sent_at', 'timestamp',
        'original_timestamp', 'uuid_ts', 'uuid', 'event', 'event_text', 'channel', 'context_ip',
        'context_user_agent', 'loaded_at', 'message_id', 'rudder_id', 'request_ip'] -%}
    {%- set listed = var('lead_scoring__' ~ collector ~ '_trait_columns', none) -%}
    {%- set traits = [] -%}
    {%- for column in present if (column in (listed or []) if listed is not none else
        (column not in spec_fields and not column.startswith('context_') and not column.startswith('_'))) -%}
        {%- do traits.append(column) -%}
    {%- endfor -%}
    {{- return(traits) -}}
{%- endmacro %}

{#- Why an event of the `events` CTE cannot be used (its first failing check), NULL when usable;
    the reason is prefixed with the row's collector (events.collector). -#}
{% macro segment_event_rejection() -%}
    {{- lead_scoring.first_failure([
        ['events.event_id is null', 'missing id (event_id)'],
        ['events.occurred_at_text is null', 'missing timestamp (occurred_at)'],
        ['events.occurred_at is null', 'unparseable timestamp (occurred_at)'],
        ['events.collector_event is null', 'missing event name'],
        ['events.contact_id is null and events.anonymous_id is null', 'no user_id and no anonymous_id'],
        ['events.occurred_at > ' ~ dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'),
            'events.loaded_at'), 'occurred_at in the future'],
    ], prefix='events.collector') -}}
{%- endmacro %}
