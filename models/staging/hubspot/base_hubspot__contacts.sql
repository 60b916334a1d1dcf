{{ config(enabled=lead_scoring.event_source_enabled('hubspot')) }}
-- HubSpot contacts (Fivetran's contact table) in base_raw__contacts' contract columns; those
-- HubSpot has no field for are typed NULLs.
with contacts as (
    {{ lead_scoring.hubspot_contact_rows(source('hubspot', 'contact')) }}
)

select
    contact_id,
    cast(null as {{ dbt.type_string() }}) as account_id,
    email,
    first_name,
    last_name,
    job_title,
    cast(null as {{ dbt.type_string() }}) as seniority,
    cast(null as {{ dbt.type_string() }}) as department,
    industry,
    cast(null as {{ dbt.type_int() }}) as company_size,
    country,
    cast(null as {{ dbt.type_string() }}) as region,
    cast(null as {{ dbt.type_string() }}) as city,
    cast(null as {{ dbt.type_string() }}) as lead_source,
    cast(null as {{ dbt.type_boolean() }}) as email_consent,
    lifecycle_stage,
    owner_id,
    created_at,
    updated_at,
    loaded_at,
    {{ lead_scoring.first_failure([['contact_id is null', 'hubspot: contact without id']]) }} as rejection_reason,
    {{ dbt.concat(["'hubspot.contact: '", 'raw_values']) }} as raw_values
from contacts
