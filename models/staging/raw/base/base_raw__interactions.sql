{#- Every row of raw.interactions as landed, typed: the columns declared in _raw__sources.yml
    (raw_typed parses a typed column that arrives as text), text trimmed (clean_text) or also
    lower-cased (normalized_text), extra raw columns passed through, and why a row cannot be used. -#}
{%- set raw_included = lead_scoring.event_source_enabled('raw') %}
{%- if raw_included %}
{%- set raw = lead_scoring.raw_table('interactions') %}
{#- A time further ahead of its own arrival than the allowed clock skew is a bad clock.
    Measured against loaded_at, not the run time, so a row's fate never depends on when dbt runs. -#}
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'loaded_at') %}
{%- set checks = [
    ["nullif(trim(contact_id), '') is null and nullif(trim(anonymous_id), '') is null",
     'no contact_id and no anonymous_id'],
    [lead_scoring.raw_typed('occurred_at', raw) ~ ' > ' ~ future_limit, 'occurred_at in the future'],
] %}

with raw_rows as (
    select * from {{ lead_scoring.raw_relation('interactions') }}
),

typed as (
    select
        {{ lead_scoring.clean_text('event_id') }} as event_id,
        {{ lead_scoring.clean_text('contact_id') }} as contact_id,
        {{ lead_scoring.clean_text('anonymous_id') }} as anonymous_id,
        {{ lead_scoring.normalized_text('event_type') }} as event_type,
        {{ lead_scoring.raw_typed('occurred_at', raw) }} as occurred_at,
        {{ lead_scoring.normalized_text('channel') }} as channel,
        {{ lead_scoring.normalized_text('source') }} as source,
        {{ lead_scoring.clean_text('campaign_id') }} as campaign_id,
        {{ lead_scoring.clean_text('email_id') }} as email_id,
        {{ lead_scoring.clean_text('url') }} as url,
        {{ lead_scoring.raw_typed('duration_seconds', raw) }} as duration_seconds,
        {{ lead_scoring.raw_typed('amount', raw) }} as amount,
        {{ lead_scoring.normalized_text('tags') }} as tags,
        {{ lead_scoring.clean_text('properties') }} as properties,
        -- then the raw table's extra columns, loaded_at, rejection_reason and raw_values
        {{- lead_scoring.raw_audit_columns(raw, checks) }}
    from raw_rows
)

select * from typed
{%- endif %}
-- the source adapters' events (var lead_scoring__event_sources), deduplicated with raw's in staging
{{ lead_scoring.adapter_union('interactions', raw_included) }}
