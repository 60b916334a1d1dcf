select {{ lead_scoring.base_select('conversions', ['conversion_id', 'converted_at', 'outcome'], [
    ["nullif(trim(contact_id), '') is null and nullif(trim(account_id), '') is null",
     'no contact_id and no account_id'],
    ["lower(trim(outcome)) not in ('won', 'lost')", "outcome is not 'won' or 'lost'"],
]) }}
from {{ lead_scoring.raw_relation('conversions') }}
