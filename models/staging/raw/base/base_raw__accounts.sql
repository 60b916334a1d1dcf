select {{ lead_scoring.base_select('accounts', ['account_id']) }}
from {{ source('raw', 'accounts') }}
