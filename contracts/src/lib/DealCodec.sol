// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CborReader} from "./Cbor.sol";
import {Fil, FilAddress, FilecoinCodec, CidString, DecodedProposal, ProposalFields} from "./FilecoinTypes.sol";

/// @notice The fields of a market DealProposal the contract's rules look at, with byte strings reduced to hashes.
struct ProposalView {
    bytes32 pieceCidHash; // keccak256 of the binary piece CID
    uint64 pieceSize;
    bool verified;
    bytes32 clientHash; // keccak256 of the client address bytes
    bool providerIsId;
    uint64 provider; // actor id when providerIsId
    bool labelIsText;
    bytes32 labelHash; // keccak256 of the label payload
    int64 startEpoch;
    int64 endEpoch;
    uint256 price;
    uint256 providerCollateral;
    uint256 clientCollateral;
}

/// @title Deployed (linked) library holding the CBOR-heavy code paths of FilFilDealClient.
/// @notice Its functions are `public`, so the contract DELEGATECALLs them instead of inlining them; this keeps the
///         contract under the EIP-170 code size limit (24,576 bytes) that anvil and other EVMs enforce.
library DealCodec {
    /// @notice Decodes AuthenticateMessageParams [signature, message] and the DealProposal inside.
    function parseAuthenticate(bytes calldata params) public pure returns (ProposalView memory) {
        return _view(FilecoinCodec.decodeAuthenticateMessageParams(params));
    }

    /// @notice Decodes MarketNotifyDealParams [proposal, deal_id] and the (normalized) DealProposal inside.
    function parseNotify(bytes calldata params) public pure returns (ProposalView memory v, uint64 dealId) {
        bytes memory m;
        (m, dealId) = FilecoinCodec.decodeMarketNotifyDealParams(params);
        v = _view(m);
    }

    function _view(bytes memory m) private pure returns (ProposalView memory v) {
        DecodedProposal memory p = FilecoinCodec.decodeDealProposal(m);
        v.pieceCidHash = CborReader.hashRange(m, p.pieceCidStart, p.pieceCidLen);
        v.pieceSize = p.pieceSize;
        v.verified = p.verified;
        v.clientHash = CborReader.hashRange(m, p.clientStart, p.clientLen);
        (v.providerIsId, v.provider) = FilAddress.parseId(m, p.providerStart, p.providerLen);
        v.labelIsText = p.labelMajor == 3;
        v.labelHash = CborReader.hashRange(m, p.labelStart, p.labelLen);
        v.startEpoch = p.startEpoch;
        v.endEpoch = p.endEpoch;
        v.price = p.price;
        v.providerCollateral = p.providerCollateral;
        v.clientCollateral = p.clientCollateral;
    }

    /// @notice The DealProposal served to Boost: client = f410 of `client`, provider = f00 placeholder,
    ///         label = the piece CID as base32 text, client collateral 0.
    function proposalBytes(
        bytes calldata pieceCid,
        uint64 pieceSize,
        bool verified,
        address client,
        int64 startEpoch,
        int64 endEpoch,
        uint256 price,
        uint256 providerCollateral
    ) public pure returns (bytes memory) {
        return FilecoinCodec.encodeDealProposal(
            ProposalFields({
                pieceCid: pieceCid,
                pieceSize: pieceSize,
                verified: verified,
                client: FilAddress.fromEth(client),
                provider: FilAddress.fromId(0),
                label: CidString.base32(pieceCid),
                startEpoch: startEpoch,
                endEpoch: endEpoch,
                price: price,
                providerCollateral: providerCollateral,
                clientCollateral: 0
            })
        );
    }

    function extraParamsBytes(string calldata locationRef, uint64 carSize) public pure returns (bytes memory) {
        return FilecoinCodec.encodeExtraParamsV1(locationRef, carSize, false, false);
    }

    /// @notice keccak256 of the label text Boost will see for this piece.
    function labelHash(bytes calldata pieceCid) public pure returns (bytes32) {
        return keccak256(bytes(CidString.base32(pieceCid)));
    }

    function parseDataCap(bytes calldata params)
        public
        pure
        returns (uint64 from, uint64 to, uint64 operator, uint256 amount)
    {
        return FilecoinCodec.decodeFrc46Received(params);
    }
}
