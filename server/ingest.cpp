#include "server/ingest.h"

#include "media/poster.h"
#include "media/transcode.h"
#include "server/pipelined_sink.h"

namespace server {
namespace {

// The upload log, decrypted record by record as libav reads it.
class UploadSource final : public media::ByteSource {
 public:
  explicit UploadSource(std::unique_ptr<storage::UploadLogReader> reader)
      : reader_(std::move(reader)) {}
  std::uint64_t size() const override { return reader_->size(); }
  bool readAt(std::uint64_t offset, std::span<std::uint8_t> out) noexcept override {
    return reader_->read(offset, out).has_value();
  }

 private:
  std::unique_ptr<storage::UploadLogReader> reader_;
};

storage::StoredMedia toStored(const storage::Id& object, std::uint64_t size,
                              const media::RemuxResult& remuxed) {
  const media::MediaFacts& f = remuxed.facts;
  storage::StoredMedia m;
  m.object = object;
  m.size = size;
  m.container = f.container;
  m.duration_s = f.duration_s;
  if (f.video) {
    m.video_codec = f.video->codec;
    m.width = f.video->width;
    m.height = f.video->height;
    m.rotation = f.video->rotation;
  }
  if (f.audio) m.audio_codec = f.audio->codec;
  m.init_size = remuxed.index.init_size;
  for (const media::Fragment& fragment : remuxed.index.fragments) {
    m.fragments.push_back({fragment.duration_s, fragment.offset, fragment.size});
  }
  return m;
}

// Makes the poster from the upload (a second, short read of it) and stores it
// as an encrypted object. False when there is none: no video, or a failure —
// the recording is playable either way.
bool storePoster(storage::Vault& vault, const storage::Id& recording, const storage::Id& upload,
                 std::uint64_t size, const media::Limits& limits, std::int64_t now) {
  auto reader = vault.readUpload(upload, size);
  if (!reader) return false;
  UploadSource source(std::move(*reader));
  auto jpeg = media::makePoster(source, limits);
  if (!jpeg || !jpeg->has_value()) return false;
  auto object = vault.startObject(recording);
  if (!object || !object->writer->append(**jpeg)) return false;
  auto written = object->writer->finish();
  return written &&
         vault.addObject(recording, object->id, storage::ObjectKind::kPoster, *written, now);
}

}  // namespace

// How long a consumed upload's HEAD still answers "complete" (at least until the
// upload's own expiry): a client whose connection dropped with the last PATCH's
// response, or whose laptop slept through it, resumes the next day and is told it is
// done, instead of starting a new upload that would be refused.
constexpr std::int64_t kAnswerFinishedUploadS = 24 * 3600;

IngestSettings ingestSettings(const Config& config) {
  IngestSettings settings;
  settings.limits.max_duration_s = config.media_max_duration_s;
  settings.limits.max_width = config.media_max_width;
  settings.limits.max_height = config.media_max_height;
  settings.x264_preset = config.media_x264_preset;
  settings.crf = config.media_crf;
  settings.max_output_height = config.media_max_output_height;
  return settings;
}

storage::Result<IngestOutcome> ingestUpload(storage::Vault& vault, const storage::Id& recording,
                                            const storage::Id& upload, std::uint64_t size,
                                            const IngestSettings& settings,
                                            const std::function<void(int)>& progress,
                                            std::int64_t now) {
  LV_TRY(vault.setStatus(recording, storage::RecordingStatus::kProcessing));
  IngestOutcome outcome;
  auto refuse = [&](std::string code, std::string message) -> storage::Result<IngestOutcome> {
    // The reason first: a crash between the two leaves a failed recording
    // with its upload, which the owner's next upload replaces; the other
    // order left a "processing" recording with nothing to ingest.
    LV_TRY(vault.recordIngestFailure(recording, code, message, now));
    // Data minimisation: a refused upload is not kept either. Nor remembered as
    // finished: a client that lost the last response and tries again should upload
    // anew (the recording reopens for it), not be told it is done.
    LV_TRY(vault.removeUpload(upload));
    return IngestOutcome{false, false, std::move(code), std::move(message)};
  };
  auto reader = vault.readUpload(upload, size);
  if (!reader)
    return refuse(std::string(storage::errorCodeName(reader.error().code)), reader.error().message);
  auto object = vault.startObject(recording);
  if (!object) return std::unexpected(object.error());
  UploadSource source(std::move(*reader));
  // Encrypting and writing the object run on a second thread beside the remuxer.
  std::optional<storage::Error> write_error;
  PipelinedSink sink([&writer = *object->writer, &write_error](std::span<const std::uint8_t> b) {
    auto appended = writer.append(b);
    if (!appended) write_error = appended.error();
    return appended.has_value();
  });
  media::TranscodeOptions options;
  options.fragment_s = settings.fragment_s;
  options.x264_preset = settings.x264_preset;
  options.crf = settings.crf;
  options.max_output_height = settings.max_output_height;
  options.threads = settings.threads;
  options.progress = progress;
  auto remuxed = media::makePlayable(source, sink, settings.limits, options);
  // The worker is done with the writer after this, whatever happened.
  const bool drained = sink.finish();
  if (!drained) {
    // Our disk failed, not the file: keep the upload (a retry may succeed) and say so.
    object->writer.reset();
    return std::unexpected(write_error.value_or(
        storage::Error{storage::ErrorCode::kIo, "writing the playable object failed"}));
  }
  if (!remuxed) {
    object->writer.reset();  // unpublished: its temporary file goes
    return refuse(std::string(media::errorCodeName(remuxed.error().code)), remuxed.error().message);
  }
  auto written = object->writer->finish();
  if (!written) return std::unexpected(written.error());
  LV_TRY(vault.publishMedia(recording, toStored(object->id, *written, *remuxed), now));
  outcome.ready = true;
  outcome.poster = storePoster(vault, recording, upload, size, settings.limits, now);
  LV_TRY(vault.finishUpload(upload, now + kAnswerFinishedUploadS));
  return outcome;
}

}  // namespace server
