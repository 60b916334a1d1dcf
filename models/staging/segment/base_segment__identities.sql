{{ config(enabled=lead_scoring.segment_spec_collectors() | length > 0) }}
-- Identifies of every enabled Segment-spec collector (segment, rudderstack; one branch each, as
-- in base_segment__interactions) as contract identities (docs/sources.md,
-- macros/segment_spec.sql): an anonymous id identified as a user; the first identification per
-- anonymous_id wins in stg_raw__identities. Identifies without an anonymous_id (server-side calls
-- for known users) tie nothing together and are left out; without user_id they are rejected.

with identifies as (
    {%- for collector in lead_scoring.segment_spec_collectors() %}
    {%- set types = lead_scoring.column_types(source(collector, 'identifies')) %}
    {%- set present = types.keys() | list %}
    {{ 'union all' if not loop.first }}
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('anonymous_id', present)) }} as anonymous_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as identified_at,
        {{ lead_scoring.segment_loaded_at(collector, present, types) }} as loaded_at,
        {{ dbt.concat([lead_scoring.quoted(collector ~ '.identifies: '), lead_scoring.segment_values(present)]) }}
            as raw_values,
        {{ lead_scoring.quoted(collector) }} as collector
    from {{ source(collector, 'identifies') }}
    {%- endfor %}
)

select
    collector,
    anonymous_id,
    contact_id,
    identified_at,
    loaded_at,
    {{ lead_scoring.first_failure([
        ['contact_id is null', 'identify without user_id'],
        ['identified_at is null', 'missing or unparseable timestamp (identified_at)'],
    ], prefix='collector') }} as rejection_reason,
    raw_values
from identifies
where anonymous_id is not null
