#include "media/libav.h"

#include <string>

namespace media::internal {

Error avError(int averror, std::string_view what) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(averror, text, sizeof text);
  ErrorCode code = ErrorCode::kInternal;
  if (averror == AVERROR_INVALIDDATA || averror == AVERROR_BUG2 ||
      averror == AVERROR_DECODER_NOT_FOUND || averror == AVERROR_DEMUXER_NOT_FOUND) {
    code = ErrorCode::kCorrupt;
  } else if (averror == AVERROR_EOF) {
    code = ErrorCode::kTruncated;
  } else if (averror == AVERROR_EXIT) {
    code = ErrorCode::kTimeout;
  } else if (averror == AVERROR(EIO)) {
    code = ErrorCode::kIo;
  }
  return Error{code, std::string(what) + ": " + text};
}

}  // namespace media::internal
