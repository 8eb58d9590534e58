// R19: the roster keeps people no longer than 2 years after they left.
// The expiry sweep of the service calls purgeDepartedPeople() once a day.
#pragma once

#include "acl/purpose.h"
#include "storage/vault.h"

namespace storage {

struct RetentionResult {
  int purged = 0;  // removed with their roles, guardianships and consent forms
  int kept = 0;    // past the 2 years but still named on a recording
};

// Removes every person whose "left on" date is more than 2 years before
// `today` (so on the day after the second anniversary; a 29 February date
// follows acl/age.h), unless a recording that still exists names them as
// owner, participant, consulted person or comment author — those go when that
// recording's purpose ends and it is deleted. Audit entries keep the id only;
// each removal is audited as roster_purge. One transaction.
Result<RetentionResult> purgeDepartedPeople(Vault& vault, acl::Date today, std::int64_t now);

}  // namespace storage
