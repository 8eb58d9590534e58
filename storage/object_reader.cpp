#include "storage/object_reader.h"

#include <algorithm>
#include <cstring>

namespace storage {

Result<std::unique_ptr<ObjectReader>> ObjectReader::open(FileSystem& fs, const std::string& path,
                                                         const Id& id, const SecretKey& data_key,
                                                         std::uint64_t expected_size) {
  auto opened = fs.openMapped(path);
  if (!opened) return std::unexpected(opened.error());
  return open(std::shared_ptr<const RandomAccessFile>(std::move(*opened)), id, data_key,
              expected_size);
}

Result<std::unique_ptr<ObjectReader>> ObjectReader::open(
    std::shared_ptr<const RandomAccessFile> file, const Id& id, const SecretKey& data_key,
    std::uint64_t expected_size) {
  if (!file) return fail(ErrorCode::kInvalidArgument, "no file");
  auto file_size = file->size();
  if (!file_size) return std::unexpected(file_size.error());
  if (*file_size < kObjectHeaderSize) {
    return fail(ErrorCode::kBadMagic, "file is too short to be a LessonVault object");
  }
  ObjectHeaderBytes header{};
  LV_TRY(file->readAt(0, header));
  auto cipher = ObjectCipher::fromHeader(data_key, id, header);
  if (!cipher) return std::unexpected(cipher.error());

  const std::uint64_t want = ObjectCipher::encryptedSize(cipher->segmentSize(), expected_size);
  if (*file_size < want) {
    return fail(ErrorCode::kTruncated, "object is " + std::to_string(*file_size) +
                                           " bytes long, expected " + std::to_string(want) +
                                           ": it was truncated");
  }
  if (*file_size > want) {
    return fail(ErrorCode::kSegmentAuth, "object has " + std::to_string(*file_size - want) +
                                             " unexpected bytes after its last segment");
  }
  std::unique_ptr<ObjectReader> reader(
      new ObjectReader(std::move(file), std::move(*cipher), expected_size));
  // The last segment is authenticated now, once: a truncated or extended
  // object must fail here, not at some later range that happens to reach it.
  LV_TRY(reader->loadSegment(reader->segment_count_ - 1));
  return reader;
}

namespace {

// Ciphertext read per system call when a range covers whole segments: four
// default segments, one pread instead of four.
constexpr std::uint64_t kBatchBytes = 256 * 1024;

}  // namespace

ObjectReader::ObjectReader(std::shared_ptr<const RandomAccessFile> file, ObjectCipher cipher,
                           std::uint64_t size)
    : file_(std::move(file)),
      cipher_(std::move(cipher)),
      size_(size),
      segment_count_(ObjectCipher::segmentCount(cipher_.segmentSize(), size)),
      // No more than the object has: a poster's reader needs no 256 KiB.
      batch_(std::clamp<std::uint64_t>(kBatchBytes / cipher_.segmentSize(), 1,
                                       std::max<std::uint64_t>(segment_count_, 1))) {}

void ObjectReader::shed() {
  cached_index_ = UINT64_MAX;
  ciphertext_.reset();
  cache_.reset();
}

std::size_t ObjectReader::plainSize(std::uint64_t index) const {
  const std::uint64_t segment = cipher_.segmentSize();
  return index + 1 == segment_count_ ? static_cast<std::size_t>(size_ - index * segment)
                                     : static_cast<std::size_t>(segment);
}

Status ObjectReader::decryptSegments(std::uint64_t first, std::uint64_t count, MutableBytes out) {
  const std::uint64_t sealed_segment = cipher_.segmentSize() + kGcmTagSize;
  const std::uint64_t at = kObjectHeaderSize + first * sealed_segment;
  const std::size_t size = out.size() + count * kGcmTagSize;
  // Each segment in turn; the first that fails ends the batch with its error, which is
  // the only thing allocated (readInPlace's rule), after the last access to the file.
  const auto open = [&](Bytes sealed) -> Status {
    std::size_t done = 0;
    for (std::uint64_t index = first; index < first + count; ++index) {
      const std::size_t plain = plainSize(index);
      auto opened =
          openSegment(index, sealed.subspan((index - first) * sealed_segment, plain + kGcmTagSize),
                      out.subspan(done, plain));
      if (!opened) return opened;
      done += plain;
    }
    return {};
  };
  if (auto in_place = file_->readInPlace(at, size, open)) {
    if (!*in_place) cleanse(out);
    return std::move(*in_place);
  }
  if (!ciphertext_) {
    ciphertext_ = std::make_unique_for_overwrite<std::uint8_t[]>(batch_ * sealed_segment);
  }
  const MutableBytes sealed(ciphertext_.get(), size);
  LV_TRY(file_->readAt(at, sealed));
  ++file_reads_;
  auto opened = open(sealed);
  if (!opened) cleanse(out);
  return opened;
}

Status ObjectReader::openSegment(std::uint64_t index, Bytes sealed, MutableBytes out) {
  const bool last = index + 1 == segment_count_;
  ++segments_decrypted_;
  {
    // Gone before the segment is read again: a fault in a mapped file must find no
    // live object with something to free (RandomAccessFile::readInPlace).
    auto opened = cipher_.open(static_cast<std::uint32_t>(index), last, sealed, out);
    if (opened) return {};
    if (opened.error().code != ErrorCode::kSegmentAuth) return opened;
  }
  // A last segment that opens as a middle one means the file was cut at a
  // segment boundary and the recorded size was changed to match.
  if (last && cipher_.open(static_cast<std::uint32_t>(index), false, sealed, out)) {
    cleanse(out);
    return fail(ErrorCode::kTruncated,
                "object ends at segment " + std::to_string(index) + " without its final segment");
  }
  return fail(ErrorCode::kSegmentAuth, "segment " + std::to_string(index) + " of " +
                                           std::to_string(segment_count_) +
                                           " failed authentication");
}

Status ObjectReader::loadSegment(std::uint64_t index) {
  if (index == cached_index_) return {};
  cached_index_ = UINT64_MAX;
  if (!cache_) cache_ = std::make_unique_for_overwrite<std::uint8_t[]>(cipher_.segmentSize());
  LV_TRY(decryptSegments(index, 1, MutableBytes(cache_.get(), plainSize(index))));
  cached_index_ = index;
  return {};
}

Status ObjectReader::read(std::uint64_t offset, MutableBytes out) {
  if (offset > size_ || out.size() > size_ - offset) {
    return fail(ErrorCode::kInvalidArgument, "read beyond the end of the object");
  }
  const std::uint64_t segment = cipher_.segmentSize();
  std::size_t done = 0;
  while (done < out.size()) {
    const std::uint64_t at = offset + done;
    const std::uint64_t index = at / segment;
    const std::size_t whole = plainSize(index);
    if (at == index * segment && out.size() - done >= whole && index != cached_index_) {
      // The range covers this segment entirely: decrypt straight into the caller's
      // buffer and skip the cache (and a copy), with the whole segments after it that
      // the range also covers, up to a batch.
      std::uint64_t count = 1;
      std::size_t span = whole;
      while (count < batch_ && index + count < segment_count_ &&
             index + count != cached_index_ && out.size() - done - span >= plainSize(index + count)) {
        span += plainSize(index + count);
        ++count;
      }
      if (auto direct = decryptSegments(index, count, out.subspan(done, span)); !direct) {
        cleanse(out);
        return direct;
      }
      done += span;
      continue;
    }
    if (auto loaded = loadSegment(index); !loaded) {
      cleanse(out);
      return loaded;
    }
    const std::size_t within = static_cast<std::size_t>(at - index * segment);
    const std::size_t available = static_cast<std::size_t>(
        std::min<std::uint64_t>(segment, size_ - index * segment) - within);
    const std::size_t take = std::min(available, out.size() - done);
    std::memcpy(out.data() + done, cache_.get() + within, take);
    done += take;
  }
  return {};
}

}  // namespace storage
