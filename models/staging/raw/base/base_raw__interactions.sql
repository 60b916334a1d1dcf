{#- A time further ahead of its own arrival than the allowed clock skew is a bad clock.
    Measured against loaded_at, not the run time, so a row's fate never depends on when dbt runs. -#}
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'loaded_at') -%}
{%- set occurred_at = lead_scoring.typed_raw_column('occurred_at', 'timestamp',
    lead_scoring.column_types(source('raw', 'interactions'))) -%}
{%- set raw_included = lead_scoring.event_source_enabled('raw') %}
{%- if raw_included %}
select {{ lead_scoring.base_select('interactions', ['event_id', 'event_type', 'occurred_at'], [
    ["nullif(trim(contact_id), '') is null and nullif(trim(anonymous_id), '') is null",
     'no contact_id and no anonymous_id'],
    [occurred_at ~ ' > ' ~ future_limit, 'occurred_at in the future'],
]) }}
from {{ lead_scoring.raw_relation('interactions') }}
{%- endif %}
-- the source adapters' events (var lead_scoring__event_sources), deduplicated with raw's in staging
{{ lead_scoring.adapter_union('interactions', raw_included) }}
