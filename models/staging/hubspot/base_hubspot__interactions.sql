{{ config(enabled=lead_scoring.event_source_enabled('hubspot')) }}
-- HubSpot email events (email_event, with url from email_event_click and open duration from
-- email_event_open) and form submissions (contact_form_submission) as contract events.
{%- set events = source('hubspot', 'email_event') %}
{%- set types = lead_scoring.column_types(events) %}
{%- set present = types.keys() | list %}
{%- set clicks = lead_scoring.column_names(source('hubspot', 'email_event_click')) %}
{%- set opens = lead_scoring.column_names(source('hubspot', 'email_event_open')) %}
{%- set forms = source('hubspot', 'contact_form_submission') %}
{%- set form_types = lead_scoring.column_types(forms) %}
{%- set form_present = form_types.keys() | list %}
{%- set watermark = var('lead_scoring__hubspot_loaded_at_column', '_fivetran_synced') %}
{%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'rows.loaded_at') %}

with email_events as (
    -- the per-type tables add a click's url and an open's duration (milliseconds)
    select
        email_event.*,
        {{ 'email_event_click.url' if 'url' in clicks else null_text }} as hubspot_click_url,
        {{ 'email_event_open.duration' if 'duration' in opens else null_text }} as hubspot_open_duration
    from {{ events }} as email_event
    {%- if 'url' in clicks %}
    left join {{ source('hubspot', 'email_event_click') }} as email_event_click on email_event.id = email_event_click.id
    {%- endif %}
    {%- if 'duration' in opens %}
    left join {{ source('hubspot', 'email_event_open') }} as email_event_open on email_event.id = email_event_open.id
    {%- endif %}
),

rows as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', present)) }} as event_id,
        cast(null as {{ dbt.type_string() }}) as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('recipient', present)) }} as recipient,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('type', present)) }} as collector_event,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('created', present)) }} as occurred_at_text,
        {{ lead_scoring.collector_timestamp('created', present, types) }} as occurred_at,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('email_campaign_id', present)) }} as email_id,
        {{ lead_scoring.clean_text('hubspot_click_url') }} as url,
        {{ lead_scoring.try_cast(lead_scoring.as_text('hubspot_open_duration'), lead_scoring.type_double()) }}
        / 1000.0 as duration_seconds,
        cast(null as {{ dbt.type_string() }}) as properties,
        {{ lead_scoring.collector_watermark([watermark], present, types) }} as loaded_at,
        'email_event' as collector_table,
        {{ lead_scoring.collector_values(present) }} as raw_values
    from email_events
    {%- if form_present %}
    union all
    select
        {{ dbt.concat(["'form:'", lead_scoring.clean_text(lead_scoring.column_or_null('conversion_id', form_present))]) }} as event_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('contact_id', form_present)) }} as contact_id,
        cast(null as {{ dbt.type_string() }}) as recipient,
        'FORM_SUBMISSION' as collector_event,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', form_present)) }} as occurred_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', form_present, form_types) }} as occurred_at,
        cast(null as {{ dbt.type_string() }}) as email_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('page_url', form_present)) }} as url,
        cast(null as {{ lead_scoring.type_double() }}) as duration_seconds,
        {{ lead_scoring.json_object_text([
            ['form_id', lead_scoring.clean_text(lead_scoring.column_or_null('form_id', form_present))],
            ['title', lead_scoring.clean_text(lead_scoring.column_or_null('title', form_present))]]) }} as properties,
        {{ lead_scoring.collector_watermark([watermark], form_present, form_types) }} as loaded_at,
        'contact_form_submission' as collector_table,
        {{ lead_scoring.collector_values(form_present) }} as raw_values
    from {{ forms }}
    {%- endif %}
)

-- base_raw__interactions' columns (macros/event_sources.sql), then collector_event and is_mapped
select
    {{- lead_scoring.collector_event_columns('rows', checks=[
        ['rows.event_id is null', 'hubspot: missing id (event_id)'],
        ['rows.occurred_at_text is null', 'hubspot: missing created (occurred_at)'],
        ['rows.occurred_at is null', 'hubspot: unparseable created (occurred_at)'],
        ['rows.collector_event is null', 'hubspot: missing type'],
        ['rows.contact_id is null and rows.recipient is null', 'hubspot: no recipient and no contact_id'],
        ['rows.occurred_at > ' ~ future_limit, 'hubspot: occurred_at in the future'],
    ], raw_values=dbt.concat(["'hubspot.'", 'rows.collector_table', "': '", 'rows.raw_values']),
    columns={
        'anonymous_id': 'case when rows.recipient is not null then '
            ~ lead_scoring.hubspot_email_key('rows.recipient') ~ ' end',
        'channel': lead_scoring.normalized_text(
            "case when rows.collector_table = 'email_event' then 'email' else 'web' end"),
        'source': 'cast(null as ' ~ dbt.type_string() ~ ')',
        'campaign_id': 'cast(null as ' ~ dbt.type_string() ~ ')',
        'email_id': 'rows.email_id',
        'duration_seconds': 'rows.duration_seconds',
    }) }}
from rows
{{ lead_scoring.event_type_map_join('hubspot', 'rows.collector_event') }}
