{{ config(enabled=lead_scoring.event_source_enabled('segment')) }}
-- Segment identifies as contract identities (docs/sources.md, macros/segment_spec.sql): an
-- anonymous id identified as a user; the first identification per anonymous_id wins in
-- stg_raw__identities. Identifies without an anonymous_id (server-side calls for known users) tie
-- nothing together and are left out; without user_id they are rejected.
{%- set identifies = source('segment', 'identifies') %}
{%- set types = lead_scoring.column_types(identifies) %}
{%- set present = types.keys() | list %}

with identifies as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', present)) }} as identify_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('anonymous_id', present)) }} as anonymous_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as identified_at,
        {{ lead_scoring.segment_loaded_at('segment', present, types) }} as loaded_at,
        {{ lead_scoring.segment_values(present) }} as raw_values
    from {{ identifies }}
)

select
    anonymous_id,
    contact_id,
    identified_at,
    loaded_at,
    {{ lead_scoring.first_failure([
        ['contact_id is null', 'segment: identify without user_id'],
        ['identified_at is null', 'segment: missing or unparseable timestamp (identified_at)'],
    ]) }} as rejection_reason,
    {{ dbt.concat(["'segment.identifies: '", 'raw_values']) }} as raw_values
from identifies
where anonymous_id is not null
