// The consent register's storage (R7): forms are only ever added, never
// changed, so the history is the table. acl/consent.h decides which form is
// in force.
#pragma once

#include <vector>

#include "acl/consent.h"
#include "storage/vault.h"

namespace storage {

// Records a form after acl::checkConsentForm (kInvalidArgument with the acl
// reason code in the message) and after checking that `form.pupil` is a
// pupil (kNotFound otherwise). Audited as record_consent on the pupil's id,
// with the category as reason — never the form's contents beyond that.
// Returns the form's sequence number.
Result<std::int64_t> recordConsentForm(Vault& vault, const acl::ConsentForm& form,
                                       const acl::ConsentConfig& config, acl::Date today,
                                       std::int64_t now, const std::string& actor);

// Every form recorded for `pupil`, in recording order (all categories).
Result<std::vector<acl::ConsentForm>> consentForms(Vault& vault, acl::PersonId pupil);

}  // namespace storage
