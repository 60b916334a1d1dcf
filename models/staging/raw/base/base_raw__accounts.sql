select {{ lead_scoring.base_select('accounts', ['account_id']) }}
from {{ lead_scoring.raw_relation('accounts') }}
