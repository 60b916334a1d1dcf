-- Current contact details for dashboards and the CRM sync (latest usable version per contact).
select
    contact_id,
    account_id,
    email,
    first_name,
    last_name,
    job_title,
    seniority,
    department,
    industry,
    company_size,
    country,
    region,
    city,
    lead_source,
    email_consent,
    lifecycle_stage,
    owner_id,
    created_at,
    updated_at
from {{ ref('stg_raw__contacts') }}
