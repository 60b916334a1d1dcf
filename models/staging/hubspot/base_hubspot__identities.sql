{{ config(enabled=lead_scoring.event_source_enabled('hubspot')) }}
-- Each HubSpot contact's email address as an identity, so email events (recipient) stitch to it.
with contacts as (
    {{ lead_scoring.hubspot_contact_rows(source('hubspot', 'contact')) }}
)

select
    {{ lead_scoring.hubspot_email_key('email') }} as anonymous_id,
    contact_id,
    created_at as identified_at,
    loaded_at,
    cast(null as {{ dbt.type_string() }}) as rejection_reason,
    {{ dbt.concat(["'hubspot.contact: '", 'raw_values']) }} as raw_values
from contacts
where contact_id is not null and email is not null
