{{ config(enabled=lead_scoring.event_source_enabled('hubspot')) }}
-- HubSpot contacts (Fivetran's contact table) in base_raw__contacts' contract columns.
with contacts as (
    {{ lead_scoring.hubspot_contact_rows() }}
)

select
    {%- for column, type in lead_scoring.raw_columns('contacts').items() %}
    {%- if column in ['contact_id', 'email', 'first_name', 'last_name', 'job_title', 'industry', 'country',
        'lifecycle_stage', 'owner_id', 'created_at', 'updated_at'] %}
    {{ column }},
    {%- else %}
    cast(null as {{ lead_scoring.sql_type(type) }}) as {{ column }},
    {%- endif %}
    {%- endfor %}
    loaded_at,
    {{ lead_scoring.first_failure([['contact_id is null', 'hubspot: contact without id']]) }} as rejection_reason,
    {{ dbt.concat(["'hubspot.contact: '", 'raw_values']) }} as raw_values
from contacts
