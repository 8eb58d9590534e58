#include "storage/object_writer.h"

#include <algorithm>
#include <limits>

namespace storage {
namespace {

// Sealed segments are gathered to about this much before each write.
constexpr std::size_t kWriteBytes = 1 << 20;

}  // namespace

Result<std::unique_ptr<ObjectWriter>> ObjectWriter::create(FileSystem& fs, const std::string& dir,
                                                           const Id& id, const SecretKey& data_key,
                                                           std::uint32_t segment_size) {
  std::array<std::uint8_t, kObjectSaltSize> salt{};
  std::array<std::uint8_t, kNoncePrefixSize> prefix{};
  LV_TRY(randomBytes(salt));
  LV_TRY(randomBytes(prefix));
  auto cipher = ObjectCipher::forNewObject(data_key, id, segment_size, salt, prefix);
  if (!cipher) return std::unexpected(cipher.error());

  // A leading dot keeps unfinished objects out of every listing of real ones.
  std::string temp_path = joinPath(dir, "." + id.hex() + ".tmp");
  // Written once, front to back; streaming reads it later, segment by segment.
  auto file = fs.createNewDirect(temp_path);
  if (!file) return std::unexpected(file.error());
  std::unique_ptr<ObjectWriter> writer(
      new ObjectWriter(fs, dir, id, std::move(*cipher), std::move(*file), temp_path));
  if (auto written = writer->file_->append(writer->cipher_.header()); !written) {
    writer->abandon();
    return std::unexpected(written.error());
  }
  return writer;
}

ObjectWriter::ObjectWriter(FileSystem& fs, std::string dir, const Id& id, ObjectCipher cipher,
                           std::unique_ptr<WritableFile> file, std::string temp_path)
    : fs_(fs),
      dir_(std::move(dir)),
      id_(id),
      cipher_(std::move(cipher)),
      file_(std::move(file)),
      temp_path_(std::move(temp_path)) {
  buffer_.reserve(cipher_.segmentSize());
  out_.resize(kWriteBytes + cipher_.segmentSize() + kGcmTagSize);
}

ObjectWriter::~ObjectWriter() {
  if (!done_) abandon();
}

void ObjectWriter::abandon() {
  file_.reset();
  (void)fs_.remove(temp_path_);  // best effort: a leftover temp file is ciphertext only
  done_ = true;
}

Status ObjectWriter::seal(Bytes plaintext, bool last) {
  if (next_segment_ == std::numeric_limits<std::uint32_t>::max()) {
    return fail(ErrorCode::kLimit, "object has too many segments");
  }
  MutableBytes out = MutableBytes(out_).subspan(out_used_, plaintext.size() + kGcmTagSize);
  LV_TRY(cipher_.seal(next_segment_, last, plaintext, out));
  ++next_segment_;
  out_used_ += out.size();
  if (out_used_ >= kWriteBytes || last) {
    LV_TRY(file_->append(Bytes(out_).first(out_used_)));
    out_used_ = 0;
  }
  return {};
}

Status ObjectWriter::append(Bytes data) {
  if (done_) return fail(ErrorCode::kInvalidArgument, "object writer is finished");
  const std::size_t segment = cipher_.segmentSize();
  while (!data.empty()) {
    // A full buffer is sealed only when more data follows: the last segment
    // must be sealed with the last flag, and only finish() knows which it is.
    if (buffer_.size() == segment) {
      auto sealed = seal(buffer_, false);
      buffer_.clear();
      if (!sealed) {
        abandon();
        return sealed;
      }
    }
    // A whole segment with more after it is sealed straight from the caller's bytes.
    if (buffer_.empty() && data.size() > segment) {
      if (auto sealed = seal(data.first(segment), false); !sealed) {
        abandon();
        return sealed;
      }
      data = data.subspan(segment);
      size_ += segment;
      continue;
    }
    std::size_t take = std::min(segment - buffer_.size(), data.size());
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    size_ += take;
  }
  return {};
}

Result<std::uint64_t> ObjectWriter::finish() {
  if (done_) return fail(ErrorCode::kInvalidArgument, "object writer is finished");
  const std::string final_path = joinPath(dir_, finalName(id_));
  Status status = seal(buffer_, true);
  buffer_.clear();
  if (status) status = file_->sync();
  if (status) status = fs_.rename(temp_path_, final_path);
  if (!status) {
    abandon();
    return std::unexpected(status.error());
  }
  file_.reset();
  done_ = true;
  if (auto synced = fs_.syncDir(dir_); !synced) {
    // Not durably published, so not published at all.
    (void)fs_.remove(final_path);
    return std::unexpected(synced.error());
  }
  return size_;
}

}  // namespace storage
