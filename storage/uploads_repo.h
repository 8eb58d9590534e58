// The rows behind tus uploads: finding an upload, its expiry, marking it
// complete (the recording moves to "processing" in the same transaction, so a
// restart requeues its ingest), the owner's quota, and reopening a recording
// whose ingest failed for a second upload.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/vault.h"

namespace storage {

struct UploadRow {
  Id id = Id::fromBytes({});
  Id recording = Id::fromBytes({});
  std::uint64_t length = 0;
  std::int64_t expires_at = 0;  // unix seconds; 0: never
  bool completed = false;
  bool consumed = false;  // ingest took it: no log any more (finished_uploads)
};

// An upload in progress or waiting for ingest; or one ingest has consumed, while it is
// remembered (Vault::finishUpload): completed, at its full length, expires_at = until when.
Result<std::optional<UploadRow>> findUpload(Database& db, const Id& upload);

// Forgets finished uploads remembered past `now`; returns how many.
Result<int> forgetFinishedUploads(Vault& vault, std::int64_t now);

// Uploads of `recording` not yet completed.
Result<std::vector<Id>> openUploadsOf(Database& db, const Id& recording);

Status setUploadExpiry(Vault& vault, const Id& upload, std::int64_t expires_at);

// The last byte is durable: the upload is complete and its recording
// "processing", in one transaction, audited as upload_complete. True when this
// call completed it; false when it was complete already (a retried HEAD racing
// the last PATCH), and then nothing is written.
Result<bool> completeUpload(Vault& vault, const Id& upload, const Id& recording, std::int64_t now,
                      const std::string& actor);

// Bytes `owner` holds: finished objects of their recordings plus the declared
// lengths of their uploads, in progress or waiting for ingest.
Result<std::uint64_t> storedBytesOf(Database& db, acl::PersonId owner);

// A recording whose ingest failed goes back to "uploading" (its failure
// reason is cleared) so its owner can upload it again; audited as
// reopen_upload. kInvalidArgument unless the recording is "failed" and owned
// by `owner`.
Status reopenFailedRecording(Vault& vault, const Id& recording, acl::PersonId owner,
                             std::int64_t now);

}  // namespace storage
