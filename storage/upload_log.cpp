#include "storage/upload_log.h"

#include <algorithm>
#include <cstring>

namespace storage {
namespace {

struct ScanResult {
  std::uint64_t valid_end;  // file offset just past the last good record
  std::uint64_t plaintext;  // bytes in the good records
  std::uint64_t records;
};

// Walks the records after the header, authenticating each, and stops at the
// first one that is torn (incomplete), has an impossible length or fails
// authentication. Only I/O errors are errors here: damage is what recovery is for.
Result<ScanResult> scanRecords(const RandomAccessFile& file, std::uint64_t file_size,
                               UploadCipher& cipher) {
  ScanResult scan{kUploadHeaderSize, 0, 0};
  std::vector<std::uint8_t> sealed;
  std::vector<std::uint8_t> plain;
  while (file_size - scan.valid_end >= kRecordOverhead) {
    std::array<std::uint8_t, 4> length_bytes{};
    LV_TRY(file.readAt(scan.valid_end, length_bytes));
    const std::uint32_t length = UploadCipher::recordLength(length_bytes);
    if (length == 0 || length > kMaxRecordSize ||
        file_size - scan.valid_end < length + kRecordOverhead) {
      break;
    }
    sealed.resize(length + kRecordOverhead);
    plain.resize(length);
    LV_TRY(file.readAt(scan.valid_end, sealed));
    if (!cipher.open(scan.records, scan.plaintext, sealed, plain)) break;
    scan.valid_end += sealed.size();
    scan.plaintext += length;
    ++scan.records;
  }
  cleanse(plain);
  return scan;
}

Result<UploadCipher> readHeader(const RandomAccessFile& file, std::uint64_t file_size,
                                const Id& upload_id, const SecretKey& data_key) {
  if (file_size < kUploadHeaderSize) {
    return fail(ErrorCode::kBadMagic, "upload log is shorter than its header");
  }
  UploadHeaderBytes header{};
  LV_TRY(file.readAt(0, header));
  return UploadCipher::fromHeader(data_key, upload_id, header);
}

}  // namespace

UploadLog::UploadLog(FileSystem& fs, std::string path, UploadCipher cipher,
                     std::unique_ptr<WritableFile> file, std::uint64_t file_size,
                     std::uint64_t offset, std::uint64_t records)
    : fs_(fs),
      path_(std::move(path)),
      cipher_(std::move(cipher)),
      file_(std::move(file)),
      file_size_(file_size),
      offset_(offset),
      records_(records) {}

Result<std::unique_ptr<UploadLog>> UploadLog::create(FileSystem& fs, const std::string& path,
                                                     const Id& upload_id,
                                                     const SecretKey& data_key) {
  std::array<std::uint8_t, 32> salt{};
  LV_TRY(randomBytes(salt));
  auto cipher = UploadCipher::forNewLog(data_key, upload_id, salt);
  if (!cipher) return std::unexpected(cipher.error());

  // Header first under a temporary name, then rename: a crash never leaves a
  // log under its real name without a complete, durable header.
  const std::string dir = parentDir(path);
  const std::string temp = joinPath(dir, "." + upload_id.hex() + ".tmp");
  {
    auto file = fs.createNew(temp);
    if (!file) return std::unexpected(file.error());
    Status status = (*file)->append(cipher->header());
    if (status) status = (*file)->sync();
    if (status) status = fs.rename(temp, path);
    if (!status) {
      (void)fs.remove(temp);
      return std::unexpected(status.error());
    }
  }
  if (auto synced = fs.syncDir(dir); !synced) {
    (void)fs.remove(path);
    return std::unexpected(synced.error());
  }
  auto file = fs.openAppend(path);
  if (!file) return std::unexpected(file.error());
  return std::unique_ptr<UploadLog>(
      new UploadLog(fs, path, std::move(*cipher), std::move(*file), kUploadHeaderSize, 0, 0));
}

Result<std::unique_ptr<UploadLog>> UploadLog::open(FileSystem& fs, const std::string& path,
                                                   const Id& upload_id, const SecretKey& data_key) {
  auto reader = fs.openRead(path);
  if (!reader) return std::unexpected(reader.error());
  auto file_size = (*reader)->size();
  if (!file_size) return std::unexpected(file_size.error());
  auto cipher = readHeader(**reader, *file_size, upload_id, data_key);
  if (!cipher) return std::unexpected(cipher.error());
  auto scan = scanRecords(**reader, *file_size, *cipher);
  if (!scan) return std::unexpected(scan.error());
  if (scan->valid_end < *file_size) LV_TRY(fs.truncate(path, scan->valid_end));

  auto file = fs.openAppend(path);
  if (!file) return std::unexpected(file.error());
  std::unique_ptr<UploadLog> log(new UploadLog(fs, path, std::move(*cipher), std::move(*file),
                                               scan->valid_end, scan->plaintext, scan->records));
  log->bytes_cut_ = *file_size - scan->valid_end;
  return log;
}

Result<std::uint64_t> UploadLog::append(Bytes data) {
  if (broken_) {
    return fail(ErrorCode::kIo, "upload log had a write error; it must be reopened");
  }
  std::uint64_t offset = offset_;
  std::uint64_t records = records_;
  std::uint64_t file_size = file_size_;
  Status status;
  while (status && !data.empty()) {
    const std::size_t take = std::min<std::size_t>(data.size(), kMaxRecordSize);
    scratch_.resize(take + kRecordOverhead);
    status = cipher_.seal(records, offset, data.first(take), scratch_);
    if (status) status = file_->append(scratch_);
    if (status) {
      file_size += scratch_.size();
      offset += take;
      ++records;
      data = data.subspan(take);
    }
  }
  if (status) status = file_->sync();
  if (!status) {
    // Records after a torn one would be unreachable for recovery, so the tail
    // goes before anything else is appended.
    file_.reset();
    auto cut = fs_.truncate(path_, file_size_);
    auto reopened = cut ? fs_.openAppend(path_) : std::unexpected(cut.error());
    if (reopened) {
      file_ = std::move(*reopened);
    } else {
      broken_ = true;
    }
    return std::unexpected(status.error());
  }
  offset_ = offset;
  records_ = records;
  file_size_ = file_size;
  return offset_;
}

// --- UploadLogReader -------------------------------------------------------

UploadLogReader::UploadLogReader(std::unique_ptr<RandomAccessFile> file, UploadCipher cipher,
                                 UploadCipher prefetch_cipher, std::vector<Record> index,
                                 std::uint64_t size)
    : file_(std::move(file)),
      cipher_(std::move(cipher)),
      prefetch_cipher_(std::move(prefetch_cipher)),
      index_(std::move(index)),
      size_(size) {
  // Room for the longest record, once: a slot never reallocates, so no plaintext is left
  // behind in a freed buffer, and filling a slot allocates nothing.
  std::size_t longest = 0;
  for (const Record& r : index_) longest = std::max<std::size_t>(longest, r.length);
  current_.bytes.reserve(longest + kRecordOverhead);
  prefetch_.bytes.reserve(longest + kRecordOverhead);
  prefetcher_ = std::jthread([this](std::stop_token stop) { prefetchLoop(std::move(stop)); });
}

UploadLogReader::~UploadLogReader() {
  prefetcher_.request_stop();
  if (prefetcher_.joinable()) prefetcher_.join();
  // Pupils' lessons in plaintext: not left behind in freed memory.
  for (Slot* slot : {&current_, &prefetch_}) {
    slot->bytes.resize(slot->bytes.capacity());  // no reallocation: the whole buffer is wiped
    cleanse(slot->bytes);
  }
}

Result<std::unique_ptr<UploadLogReader>> UploadLogReader::open(FileSystem& fs,
                                                               const std::string& path,
                                                               const Id& upload_id,
                                                               const SecretKey& data_key,
                                                               std::uint64_t expected_size) {
  auto file = fs.openRead(path);
  if (!file) return std::unexpected(file.error());
  auto file_size = (*file)->size();
  if (!file_size) return std::unexpected(file_size.error());
  auto cipher = readHeader(**file, *file_size, upload_id, data_key);
  if (!cipher) return std::unexpected(cipher.error());
  // A cipher context per thread: one is not safe to share.
  auto prefetch_cipher = readHeader(**file, *file_size, upload_id, data_key);
  if (!prefetch_cipher) return std::unexpected(prefetch_cipher.error());

  std::vector<Record> index;
  std::uint64_t at = kUploadHeaderSize;
  std::uint64_t plain = 0;
  while (at < *file_size) {
    std::array<std::uint8_t, 4> length_bytes{};
    if (*file_size - at < kRecordOverhead) break;
    LV_TRY((*file)->readAt(at, length_bytes));
    const std::uint32_t length = UploadCipher::recordLength(length_bytes);
    if (length == 0 || length > kMaxRecordSize || *file_size - at < length + kRecordOverhead) {
      break;
    }
    index.push_back({at, plain, length});
    at += length + kRecordOverhead;
    plain += length;
  }
  if (at != *file_size || plain != expected_size) {
    return fail(ErrorCode::kTruncated, "upload log holds " + std::to_string(plain) +
                                           " readable bytes, expected " +
                                           std::to_string(expected_size));
  }
  return std::unique_ptr<UploadLogReader>(new UploadLogReader(
      std::move(*file), std::move(*cipher), std::move(*prefetch_cipher), std::move(index), plain));
}

void UploadLogReader::fill(Slot& slot, std::size_t record, UploadCipher& cipher) const noexcept {
  try {
    const Record& r = index_[record];
    slot.bytes.resize(r.length + kRecordOverhead);  // within the capacity reserved
    slot.status = file_->readAt(r.file_offset, slot.bytes);
    if (!slot.status) return;
    // In place: the plaintext overwrites the ciphertext it came from.
    const MutableBytes plaintext(slot.bytes.data() + kRecordPrefixSize, r.length);
    slot.status = cipher.open(record, r.plain_offset, slot.bytes, plaintext);
    if (!slot.status && slot.status.error().code == ErrorCode::kSegmentAuth) {
      slot.status = fail(ErrorCode::kSegmentAuth,
                         "upload record " + std::to_string(record) + " failed authentication");
    }
  } catch (...) {
    // Only an allocation can throw here; an empty message allocates nothing.
    cleanse(slot.bytes);
    slot.status = std::unexpected(Error{ErrorCode::kIo, {}});
  }
}

void UploadLogReader::prefetchLoop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (changed_.wait(lock, stop, [this] { return loading_; })) {
    const std::size_t record = prefetch_.record;
    lock.unlock();
    fill(prefetch_, record, prefetch_cipher_);
    lock.lock();
    loading_ = false;
    changed_.notify_all();
  }
}

Status UploadLogReader::load(std::size_t record) {
  // A failed record is never kept as current_ (see below): it is read again.
  if (current_.record != record) {
    {
      std::unique_lock lock(mutex_);
      if (prefetch_.record == record) {
        changed_.wait(lock, [this] { return !loading_; });
        std::swap(current_, prefetch_);
      }
    }
    if (current_.record != record) {
      current_.record = record;  // whatever fill() leaves, its status says if it is usable
      fill(current_, record, cipher_);
    }
  }
  if (!current_.status) {
    current_.record = SIZE_MAX;  // tried again by the next read, not taken from here
    return current_.status;
  }
  // Reads go front to back: start on the next record unless the prefetch is
  // busy (with a record a seek made useless) or already has it.
  if (record + 1 < index_.size()) {
    std::lock_guard lock(mutex_);
    if (!loading_ && prefetch_.record != record + 1) {
      prefetch_.record = record + 1;
      loading_ = true;
      changed_.notify_all();
    }
  }
  return {};
}

Status UploadLogReader::read(std::uint64_t offset, MutableBytes out) {
  if (offset > size_ || out.size() > size_ - offset) {
    return fail(ErrorCode::kInvalidArgument, "read beyond the end of the upload");
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t at = offset + done;
    // The first record starting after `at`, minus one, is the one holding it.
    auto next =
        std::upper_bound(index_.begin(), index_.end(), at,
                         [](std::uint64_t v, const Record& r) { return v < r.plain_offset; });
    const std::size_t record = static_cast<std::size_t>(next - index_.begin()) - 1;
    if (auto loaded = load(record); !loaded) {
      cleanse(out);
      return loaded;
    }
    const Record& r = index_[record];
    const std::size_t within = static_cast<std::size_t>(at - r.plain_offset);
    const std::size_t take = std::min<std::size_t>(r.length - within, out.size() - done);
    std::memcpy(out.data() + done, current_.bytes.data() + kRecordPrefixSize + within, take);
    done += take;
  }
  return {};
}

}  // namespace storage
